package dev.tracefold.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracefold.api.ReadApiTestServer.Reply;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.store.trace.CompletionDecision;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Annotation queues and their items over HTTP: round trips with defaults, every 400, paging,
 * project isolation; items added by completed traces as the rollup sink adds them.
 */
class AnnotationQueueApiIT {
  private static final String PATH = "/api/v1/annotation-queues";
  private static final long BASE_NANOS = 1_763_000_000_000_000_000L;
  private static final long MS = 1_000_000L;

  @TempDir static Path dataDir;

  private static ReadApiTestServer api;

  @BeforeAll
  static void start() {
    api = ReadApiTestServer.start(dataDir, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void createsAQueueWithTheDefaultsAndReadsItBack() {
    String project = "queues-defaults";

    Reply created = api.send("POST", PATH, project, "{\"name\": \"review\"}");

    assertThat(created.status()).isEqualTo(201);
    JsonNode queue = created.json();
    assertThat(queue.get("id").asText()).hasSize(36);
    assertThat(queue.get("name").asText()).isEqualTo("review");
    assertThat(queue.get("description").isNull()).isTrue();
    assertThat(queue.get("enabled").asBoolean()).isTrue();
    assertThat(queue.get("filter").toString()).isEqualTo("{}");
    assertThat(queue.get("sampling_percent").asDouble()).isEqualTo(100.0);
    assertThat(queue.get("pending_count").asLong()).isZero();
    assertThat(queue.get("done_count").asLong()).isZero();
    assertThat(queue.get("created_epoch_millis").asLong())
        .isPositive()
        .isEqualTo(queue.get("updated_epoch_millis").asLong());
    assertThat(fieldNames(queue))
        .containsExactly(
            "id",
            "name",
            "description",
            "enabled",
            "filter",
            "sampling_percent",
            "pending_count",
            "done_count",
            "created_epoch_millis",
            "updated_epoch_millis");
    assertThat(api.get(PATH + "/" + queue.get("id").asText(), project).json()).isEqualTo(queue);
    assertThat(api.get(PATH, project).json().get("annotation_queues")).containsExactly(queue);
  }

  @Test
  void putReplacesTheDefinitionAndDeleteRemovesTheQueue() {
    String project = "queues-put";
    JsonNode queue =
        api.send(
                "POST",
                PATH,
                project,
                "{\"name\": \"failures\", \"description\": \"check them\", \"enabled\": false,"
                    + " \"filter\": {\"status\": \"ERROR\", \"tags\": [\"a\", \"b\"]},"
                    + " \"sampling_percent\": 2.5}")
            .json();
    assertThat(queue.get("description").asText()).isEqualTo("check them");
    assertThat(queue.get("enabled").asBoolean()).isFalse();
    assertThat(queue.get("filter").toString())
        .isEqualTo("{\"status\":[\"ERROR\"],\"tags\":[\"a\",\"b\"]}");
    assertThat(queue.get("sampling_percent").asDouble()).isEqualTo(2.5);
    String path = PATH + "/" + queue.get("id").asText();

    Reply replaced = api.send("PUT", path, project, "{\"name\": \"everything\"}");

    assertThat(replaced.status()).isEqualTo(200);
    JsonNode updated = replaced.json();
    assertThat(updated.get("id")).isEqualTo(queue.get("id"));
    assertThat(updated.get("name").asText()).isEqualTo("everything");
    assertThat(updated.get("description").isNull()).isTrue();
    assertThat(updated.get("enabled").asBoolean()).isTrue();
    assertThat(updated.get("filter").toString()).isEqualTo("{}");
    assertThat(updated.get("sampling_percent").asDouble()).isEqualTo(100.0);
    assertThat(updated.get("created_epoch_millis")).isEqualTo(queue.get("created_epoch_millis"));
    assertThat(api.get(path, project).json()).isEqualTo(updated);

    Reply deleted = api.send("DELETE", path, project, null);

    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.json()).isNull();
    Reply missing = api.get(path, project);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("error").asText())
        .isEqualTo(
            "annotation queue " + queue.get("id").asText() + " not found in project queues-put");
    assertThat(api.send("DELETE", path, project, null).status()).isEqualTo(404);
    assertThat(api.send("PUT", path, project, "{\"name\": \"x\"}").status()).isEqualTo(404);
  }

  @Test
  void anotherProjectsQueueIsNotFound() {
    String id = create("queues-mine", "review");
    complete("queues-mine", traceId(1), 0, id);
    String path = PATH + "/" + id;

    assertThat(api.get(path, "queues-theirs").status()).isEqualTo(404);
    assertThat(api.send("PUT", path, "queues-theirs", "{\"name\": \"x\"}").status()).isEqualTo(404);
    assertThat(api.send("DELETE", path, "queues-theirs", null).status()).isEqualTo(404);
    assertThat(api.get(path + "/items", "queues-theirs").status()).isEqualTo(404);
    assertThat(
            api.send(
                    "PUT", path + "/items/" + traceId(1), "queues-theirs", "{\"status\": \"done\"}")
                .status())
        .isEqualTo(404);
    assertThat(api.get(PATH, "queues-theirs").json().get("annotation_queues")).isEmpty();
    assertThat(api.get(path, "queues-mine").json().get("pending_count").asLong()).isEqualTo(1);
  }

  @Test
  void listsQueuesInPages() {
    String project = "queues-pages";
    List<String> ids = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      ids.add(create(project, "queue " + n));
    }

    JsonNode first = api.get(PATH + "?page_size=2", project).json();
    JsonNode second = api.get(PATH + "?page_size=2&page=2", project).json();

    assertThat(first.get("count").asInt()).isEqualTo(2);
    assertThat(first.get("has_more").asBoolean()).isTrue();
    assertThat(second.get("count").asInt()).isEqualTo(1);
    assertThat(second.get("page").asInt()).isEqualTo(2);
    assertThat(second.get("page_size").asInt()).isEqualTo(2);
    assertThat(second.get("has_more").asBoolean()).isFalse();
    List<String> listed = new ArrayList<>();
    first.get("annotation_queues").forEach(queue -> listed.add(queue.get("id").asText()));
    second.get("annotation_queues").forEach(queue -> listed.add(queue.get("id").asText()));
    assertThat(listed).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void rejectsMalformedQueues() {
    assertBadRequest(post("{\"description\": \"x\"}"), "name", "name is required");
    assertBadRequest(
        post("{\"name\": \"x\", \"turn\": \"last\"}"),
        "turn",
        "unknown field 'turn'; known fields: name, description, enabled, filter,"
            + " sampling_percent");
    assertBadRequest(
        post("{\"name\": \"x\", \"description\": \"" + "d".repeat(2001) + "\"}"),
        "description",
        "description is 2001 characters long; at most 2000 allowed");
    assertBadRequest(
        post("{\"name\": \"x\", \"enabled\": 1}"),
        "enabled",
        "enabled must be true or false, got 1");
    assertBadRequest(
        post("{\"name\": \"x\", \"filter\": {\"min_span_count\": \"many\"}}"),
        "filter.min_span_count",
        "min_span_count must be a whole number >= 0, got 'many'");
    assertBadRequest(
        post("{\"name\": \"x\", \"sampling_percent\": 101}"),
        "sampling_percent",
        "sampling_percent must be a number from 0 to 100, got 101");
    assertBadRequest(
        post("{\"name\": \"x\", \"sampling_percent\": -1}"),
        "sampling_percent",
        "sampling_percent must be a number from 0 to 100, got -1");
    assertBadRequest(
        api.get(PATH + "?status=done", "queues-bad"),
        "status",
        "unknown parameter 'status'; known parameters: page, page_size");
    assertThat(api.get(PATH, "queues-bad").json().get("annotation_queues")).isEmpty();
  }

  @Test
  void completedTracesBecomeItemsThatReviewersMarkDoneAndPendingAgain() {
    String project = "queues-items";
    String id = create(project, "review");
    String other = create(project, "other");
    complete(project, traceId(1), 0, id);
    complete(project, traceId(2), 100, id, other);
    complete(project, traceId(3), 200, id);
    String items = PATH + "/" + id + "/items";

    JsonNode all = api.get(items, project).json();

    assertThat(all.get("items"))
        .extracting(item -> item.get("trace_id").asText())
        .containsExactlyInAnyOrder(traceId(1), traceId(2), traceId(3));
    assertThat(all.get("count").asInt()).isEqualTo(3);
    assertThat(all.get("has_more").asBoolean()).isFalse();
    JsonNode first = item(all, traceId(1));
    assertThat(fieldNames(first))
        .containsExactly(
            "trace_id",
            "revision",
            "status",
            "added_epoch_millis",
            "done_epoch_millis",
            "done_by",
            "trace");
    assertThat(first.get("revision").asInt()).isEqualTo(1);
    assertThat(first.get("status").asText()).isEqualTo("pending");
    assertThat(first.get("added_epoch_millis").asLong()).isPositive();
    assertThat(first.get("done_epoch_millis").isNull()).isTrue();
    assertThat(first.get("done_by").isNull()).isTrue();
    assertThat(first.get("trace").get("id").asText()).isEqualTo(traceId(1));
    assertThat(first.get("trace").get("state").asText()).isEqualTo("complete");
    assertThat(first.get("trace").get("name").asText()).isEqualTo("agent run");
    assertThat(first.get("trace").has("spans")).isFalse();
    assertThat(queue(project, id).get("pending_count").asLong()).isEqualTo(3);
    assertThat(queue(project, other).get("pending_count").asLong()).isEqualTo(1);

    Reply done =
        api.send(
            "PUT",
            items + "/" + traceId(2).toUpperCase(),
            project,
            "{\"status\": \"done\", \"done_by\": \"ana\"}");

    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("trace_id").asText()).isEqualTo(traceId(2));
    assertThat(done.json().get("status").asText()).isEqualTo("done");
    assertThat(done.json().get("done_by").asText()).isEqualTo("ana");
    assertThat(done.json().get("done_epoch_millis").asLong()).isPositive();
    assertThat(done.json().get("trace").get("id").asText()).isEqualTo(traceId(2));
    JsonNode counted = queue(project, id);
    assertThat(counted.get("pending_count").asLong()).isEqualTo(2);
    assertThat(counted.get("done_count").asLong()).isEqualTo(1);
    assertThat(queue(project, other).get("done_count").asLong()).isZero();
    assertThat(api.get(items + "?status=done", project).json().get("items"))
        .containsExactly(done.json());
    assertThat(api.get(items + "?status=pending", project).json().get("items"))
        .extracting(item -> item.get("trace_id").asText())
        .containsExactlyInAnyOrder(traceId(1), traceId(3));

    Reply pending = api.send("PUT", items + "/" + traceId(2), project, "{\"status\": \"pending\"}");

    assertThat(pending.status()).isEqualTo(200);
    assertThat(pending.json().get("status").asText()).isEqualTo("pending");
    assertThat(pending.json().get("done_by").isNull()).isTrue();
    assertThat(pending.json().get("done_epoch_millis").isNull()).isTrue();
    assertThat(queue(project, id).get("pending_count").asLong()).isEqualTo(3);
    assertThat(queue(project, id).get("done_count").asLong()).isZero();
    assertThat(api.get(items + "?status=done", project).json().get("items")).isEmpty();
  }

  @Test
  void pagesItems() {
    String project = "queues-item-pages";
    String id = create(project, "review");
    for (int n = 1; n <= 3; n++) {
      complete(project, traceId(n), n * 100L, id);
    }
    String items = PATH + "/" + id + "/items";

    JsonNode first = api.get(items + "?page_size=2", project).json();
    JsonNode second = api.get(items + "?page_size=2&page=2", project).json();

    assertThat(first.get("count").asInt()).isEqualTo(2);
    assertThat(first.get("has_more").asBoolean()).isTrue();
    assertThat(second.get("count").asInt()).isEqualTo(1);
    assertThat(second.get("has_more").asBoolean()).isFalse();
    List<String> listed = new ArrayList<>();
    first.get("items").forEach(item -> listed.add(item.get("trace_id").asText()));
    second.get("items").forEach(item -> listed.add(item.get("trace_id").asText()));
    assertThat(listed).containsExactlyInAnyOrder(traceId(1), traceId(2), traceId(3));
  }

  @Test
  void rejectsMalformedItemRequests() {
    String project = "queues-item-errors";
    String id = create(project, "review");
    complete(project, traceId(1), 0, id);
    String items = PATH + "/" + id + "/items";
    String item = items + "/" + traceId(1);

    assertBadRequest(
        api.get(items + "?status=finished", project),
        "status",
        "status must be pending or done, got 'finished'");
    assertBadRequest(
        api.get(items + "?colour=red", project),
        "colour",
        "unknown parameter 'colour'; known parameters: status, page, page_size");
    assertBadRequest(
        api.send("PUT", item, project, "{\"status\": \"finished\"}"),
        "status",
        "status must be pending or done, got 'finished'");
    assertBadRequest(api.send("PUT", item, project, "{}"), "status", "status is required");
    assertBadRequest(
        api.send("PUT", item, project, "{\"status\": \"pending\", \"done_by\": \"ana\"}"),
        "done_by",
        "done_by goes with status done only, not with status pending");
    assertBadRequest(
        api.send("PUT", item, project, "{\"status\": \"done\", \"note\": \"ok\"}"),
        "note",
        "unknown field 'note'; known fields: status, done_by");
    assertBadRequest(
        api.send("PUT", items + "/xyz", project, "{\"status\": \"done\"}"),
        "trace_id",
        "trace_id must be 32 hex characters, got 'xyz'");

    Reply notAnItem = api.send("PUT", items + "/" + traceId(9), project, "{\"status\": \"done\"}");
    assertThat(notAnItem.status()).isEqualTo(404);
    assertThat(notAnItem.json().get("error").asText())
        .isEqualTo(
            "trace "
                + traceId(9)
                + " is not an item of annotation queue "
                + id
                + " in project queues-item-errors");
    Reply noQueue =
        api.send("PUT", PATH + "/nope/items/" + traceId(1), project, "{\"status\": \"done\"}");
    assertThat(noQueue.status()).isEqualTo(404);
    assertThat(noQueue.json().get("error").asText())
        .isEqualTo("annotation queue nope not found in project queues-item-errors");
    assertThat(api.get(PATH + "/nope/items", project).status()).isEqualTo(404);
  }

  @Test
  void itemsGoWithTheirTraceAndTheirQueue() {
    String project = "queues-cascade";
    String id = create(project, "review");
    complete(project, traceId(1), 0, id);
    complete(project, traceId(2), 100, id);
    String items = PATH + "/" + id + "/items";

    assertThat(api.send("DELETE", "/api/v1/traces/" + traceId(1), project, null).status())
        .isEqualTo(204);

    assertThat(api.get(items, project).json().get("items"))
        .extracting(item -> item.get("trace_id").asText())
        .containsExactly(traceId(2));
    assertThat(api.send("DELETE", PATH + "/" + id, project, null).status()).isEqualTo(204);
    assertThat(api.get(items, project).status()).isEqualTo(404);
  }

  @Test
  void everyRouteNeedsAnApiKey() {
    for (String[] route :
        List.of(
            new String[] {"POST", PATH},
            new String[] {"GET", PATH},
            new String[] {"GET", PATH + "/x"},
            new String[] {"PUT", PATH + "/x"},
            new String[] {"DELETE", PATH + "/x"},
            new String[] {"GET", PATH + "/x/items"},
            new String[] {"PUT", PATH + "/x/items/" + traceId(1)})) {
      String body = route[0].equals("GET") || route[0].equals("DELETE") ? null : "{}";
      Reply reply = api.sendWithKey(route[0], route[1], null, body);
      assertThat(reply.status()).as("%s %s", route[0], route[1]).isEqualTo(401);
    }
  }

  /** Creates a queue with the defaults; returns its id. */
  private static String create(String project, String name) {
    Reply reply = api.send("POST", PATH, project, "{\"name\": \"" + name + "\"}");
    assertThat(reply.status()).isEqualTo(201);
    return reply.json().get("id").asText();
  }

  private static JsonNode queue(String project, String id) {
    return api.get(PATH + "/" + id, project).json();
  }

  /**
   * Stores revision 1 of a trace of one root span named "agent run" starting at base + startMillis,
   * taken by the given queues (as the rollup sink decides it).
   */
  private static void complete(String project, String traceId, long startMillis, String... queues) {
    long start = BASE_NANOS + startMillis * MS;
    List<Span> spans =
        List.of(
            Span.newBuilder()
                .setProjectId(project)
                .setTraceId(traceId)
                .setSpanId("0000000000000001")
                .setName("agent run")
                .setKind(SpanKind.AGENT)
                .setStartEpochNanos(start)
                .setEndEpochNanos(start + 50 * MS)
                .setStatus(SpanStatus.OK)
                .setSource("native-json")
                .setIngestedEpochMillis(1_763_000_000_000L)
                .build());
    CompletedTrace trace =
        CompletedTrace.newBuilder()
            .setProjectId(project)
            .setTraceId(traceId)
            .setRevision(1)
            .setCompletionReason(CompletionReason.QUIET)
            .setFirstArrivalEpochMillis(1_763_000_000_000L)
            .setLastArrivalEpochMillis(1_763_000_001_000L)
            .setCompletedEpochMillis(1_763_000_301_000L)
            .setRollup(TraceRollups.compute(project, traceId, spans))
            .setSpans(spans)
            .build();
    api.store().writeCompleted(trace, stored -> new CompletionDecision(List.of(), List.of(queues)));
  }

  private static JsonNode item(JsonNode page, String traceId) {
    for (JsonNode item : page.get("items")) {
      if (item.get("trace_id").asText().equals(traceId)) {
        return item;
      }
    }
    throw new AssertionError("no item for trace " + traceId + " in " + page);
  }

  private static Reply post(String body) {
    return api.send("POST", PATH, "queues-bad", body);
  }

  private static void assertBadRequest(Reply reply, String parameter, String message) {
    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(400);
    assertThat(reply.json().get("parameter").asText()).isEqualTo(parameter);
    assertThat(reply.json().get("error").asText()).isEqualTo(message);
  }

  private static String traceId(int n) {
    return String.format("%032x", n);
  }

  private static List<String> fieldNames(JsonNode json) {
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }
}

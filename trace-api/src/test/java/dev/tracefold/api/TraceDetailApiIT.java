package dev.tracefold.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracefold.api.ReadApiTestServer.Reply;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.store.TraceStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trace over HTTP: the span tree (orphans, cycles, deep and wide traces) and the flat list,
 * tags, annotations, saving, deletion, sources, and that a project never reaches another project's
 * trace.
 */
class TraceDetailApiIT {
  private static final long BASE_NANOS = 1_763_000_000_000_000_000L;
  private static final String PROJECT = "detail-api";
  private static final String INTRUDER = "detail-api-intruder";
  private static final String MIXED = "dd000000000000000000000000000001";
  private static final String DEEP = "dd000000000000000000000000000002";
  private static final String WIDE = "dd000000000000000000000000000003";

  @TempDir static Path dataDir;

  private static ReadApiTestServer api;
  private static TraceStore store;

  @BeforeAll
  static void start() {
    api = ReadApiTestServer.start(dataDir, Clock.systemUTC());
    store = api.store();
    store.writeSpans(
        List.of(
            span(MIXED, "0000000000000001", null, "agent", 0).setSource("otlp-http-json").build(),
            span(MIXED, "0000000000000002", "0000000000000001", "plan", 20).build(),
            span(MIXED, "0000000000000003", "0000000000000001", "search", 10).build(),
            // its parent never arrived
            span(MIXED, "0000000000000004", "00000000000000ff", "late tool", 5).build(),
            // a cycle in bad data: 5 -> 6 -> 5
            span(MIXED, "0000000000000005", "0000000000000006", "loop a", 30).build(),
            span(MIXED, "0000000000000006", "0000000000000005", "loop b", 40).build()));
    List<Span> chain = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      chain.add(
          span(
                  DEEP,
                  String.format("%016x", i + 1),
                  i == 0 ? null : String.format("%016x", i),
                  "level " + i,
                  i)
              .build());
    }
    store.writeSpans(chain);
    List<Span> wide = new ArrayList<>();
    wide.add(span(WIDE, "0000000000000001", null, "fan out", 0).build());
    for (int i = 2; i <= 501; i++) {
      wide.add(
          span(WIDE, String.format("%016x", i), "0000000000000001", "call " + i, 1000 - i).build());
    }
    store.writeSpans(wide);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void showsTheSpanTreeWithOrphansAndCyclesMarked() {
    Reply reply = api.get("/api/v1/traces/" + MIXED, PROJECT);

    assertThat(reply.status()).isEqualTo(200);
    JsonNode trace = reply.json();
    assertThat(trace.get("format").asText()).isEqualTo("tree");
    JsonNode roots = trace.get("spans");
    assertThat(names(roots)).containsExactly("agent", "late tool", "loop a");
    JsonNode agent = roots.get(0);
    assertThat(names(agent.get("children"))).containsExactly("search", "plan");
    assertThat(agent.get("children").get(0).get("depth").asInt()).isEqualTo(1);
    assertThat(agent.get("orphan").asBoolean()).isFalse();
    JsonNode orphan = roots.get(1);
    assertThat(orphan.get("orphan").asBoolean()).isTrue();
    assertThat(orphan.get("parent_span_id").asText()).isEqualTo("00000000000000ff");
    JsonNode loop = roots.get(2);
    assertThat(loop.get("cycle").asBoolean()).isTrue();
    assertThat(names(loop.get("children"))).containsExactly("loop b");
    assertThat(loop.get("children").get(0).get("children")).isEmpty();
    assertThat(trace.get("annotations")).isEmpty();
    assertThat(trace.get("span_count").asInt()).isEqualTo(6);
  }

  @Test
  void flatFormatListsSpansInStartOrderWithTheirDepth() {
    JsonNode spans =
        api.get("/api/v1/traces/" + MIXED + "?format=flat", PROJECT).json().get("spans");

    assertThat(names(spans))
        .containsExactly("agent", "late tool", "search", "plan", "loop a", "loop b");
    assertThat(spans).allMatch(span -> !span.has("children"));
    assertThat(spans.get(3).get("depth").asInt()).isEqualTo(1);
    assertThat(spans.get(5).get("depth").asInt()).isEqualTo(1);
  }

  @Test
  void deepTracesNestToTheLimitAndListTheRestFlattened() {
    JsonNode node = api.get("/api/v1/traces/" + DEEP, PROJECT).json().get("spans").get(0);
    for (int depth = 1; depth <= SpanTree.MAX_NESTING; depth++) {
      assertThat(node.get("children")).hasSize(1);
      node = node.get("children").get(0);
    }

    assertThat(node.get("name").asText()).isEqualTo("level 100");
    assertThat(node.get("children")).hasSize(3000 - 101);
    assertThat(node.get("children").get(0).get("flattened").asBoolean()).isTrue();
    assertThat(node.get("children").get(0).get("depth").asInt()).isEqualTo(101);
  }

  @Test
  void wideTracesListChildrenInStartOrder() {
    JsonNode children =
        api.get("/api/v1/traces/" + WIDE, PROJECT).json().get("spans").get(0).get("children");

    assertThat(children).hasSize(500);
    assertThat(children.get(0).get("name").asText()).isEqualTo("call 501");
    assertThat(children.get(499).get("name").asText()).isEqualTo("call 2");
  }

  @Test
  void tagsAnnotationsAndSavingShowOnTheTrace() {
    String trace = newTrace("dd0000000000000000000000000000a1");

    Reply tagged =
        api.send(
            "PUT",
            "/api/v1/traces/" + trace + "/tags",
            PROJECT,
            "{\"tags\": [\"vip\", \" reviewed \", \"vip\"]}");
    Reply annotated =
        api.send(
            "POST",
            "/api/v1/traces/" + trace + "/annotations",
            PROJECT,
            "{\"text\": \"wrong city\", \"author\": \"ana\", \"score\": 0.5, \"label\": \"bad\"}");
    Reply plain =
        api.send(
            "POST",
            "/api/v1/traces/" + trace + "/annotations",
            PROJECT,
            "{\"text\": \"ok\", \"author\": \"bo\"}");
    Reply saved = api.send("POST", "/api/v1/traces/" + trace + "/save", PROJECT, null);

    assertThat(tagged.status()).isEqualTo(200);
    assertThat(texts(tagged.json().get("user_tags"))).containsExactly("reviewed", "vip");
    assertThat(annotated.status()).isEqualTo(201);
    assertThat(annotated.json().get("text").asText()).isEqualTo("wrong city");
    assertThat(annotated.json().get("score").asDouble()).isEqualTo(0.5);
    assertThat(plain.json().get("score").isNull()).isTrue();
    assertThat(saved.status()).isEqualTo(200);
    assertThat(saved.json().get("saved").asBoolean()).isTrue();
    JsonNode shown = api.get("/api/v1/traces/" + trace, PROJECT).json();
    assertThat(texts(shown.get("tags"))).containsExactly("reviewed", "vip");
    assertThat(shown.get("saved").asBoolean()).isTrue();
    assertThat(shown.get("saved_epoch_millis").asLong()).isPositive();
    assertThat(shown.get("annotations"))
        .extracting(a -> a.get("author").asText())
        .containsExactly("ana", "bo");
    assertThat(shown.get("annotations").get(0).get("label").asText()).isEqualTo("bad");
    assertThat(api.get("/api/v1/traces?tags=vip", PROJECT).json().get("traces"))
        .extracting(t -> t.get("id").asText())
        .containsExactly(trace);
    Reply unsaved = api.send("DELETE", "/api/v1/traces/" + trace + "/save", PROJECT, null);
    assertThat(unsaved.json().get("saved").asBoolean()).isFalse();
  }

  @Test
  void deleteRemovesTheTraceThenAnswers404() {
    String trace = newTrace("dd0000000000000000000000000000b1");

    Reply deleted = api.send("DELETE", "/api/v1/traces/" + trace, PROJECT, null);
    Reply again = api.send("DELETE", "/api/v1/traces/" + trace, PROJECT, null);

    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.json()).isNull();
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.json().get("error").asText())
        .isEqualTo("trace " + trace + " not found in project " + PROJECT);
    assertThat(api.get("/api/v1/traces/" + trace, PROJECT).status()).isEqualTo(404);
  }

  @Test
  void anotherProjectNeverSeesDeletesTagsAnnotatesOrSavesTheTrace() {
    String trace = newTrace("dd0000000000000000000000000000c1");
    String path = "/api/v1/traces/" + trace;

    assertThat(api.get(path, INTRUDER).status()).isEqualTo(404);
    assertThat(api.send("DELETE", path, INTRUDER, null).status()).isEqualTo(404);
    assertThat(api.send("PUT", path + "/tags", INTRUDER, "{\"tags\": [\"x\"]}").status())
        .isEqualTo(404);
    assertThat(
            api.send(
                    "POST", path + "/annotations", INTRUDER, "{\"text\": \"x\", \"author\": \"y\"}")
                .status())
        .isEqualTo(404);
    assertThat(api.send("POST", path + "/save", INTRUDER, null).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/traces?trace_id=" + trace, INTRUDER).json().get("traces"))
        .isEmpty();

    JsonNode untouched = api.get(path, PROJECT).json();
    assertThat(untouched.get("tags")).isEmpty();
    assertThat(untouched.get("annotations")).isEmpty();
    assertThat(untouched.get("saved").asBoolean()).isFalse();
  }

  @Test
  void listsTheProjectsSources() {
    Reply reply = api.get("/api/v1/traces/sources", PROJECT);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(texts(reply.json().get("sources"))).containsExactly("native-json", "otlp-http-json");
    assertThat(api.get("/api/v1/traces/sources", INTRUDER).json().get("sources")).isEmpty();
  }

  @Test
  void facetsListTheValuesOfTheProjectsTracesForTheFilterPanel() {
    String project = "detail-api-facets";
    store.writeSpans(
        List.of(
            facetSpan(project, "dd0000000000000000000000000000f1", "0000000000000001", null)
                .setModel("gpt-4o")
                .setProvider("openai")
                .setServiceName("agent-svc")
                .setTags(List.of("checkout", "beta"))
                .setAttributes(Map.of("metadata.env", "prod"))
                .build(),
            facetSpan(
                    project,
                    "dd0000000000000000000000000000f1",
                    "0000000000000002",
                    "0000000000000001")
                .setModel("claude-sonnet-4")
                .setProvider("anthropic")
                .build(),
            facetSpan(project, "dd0000000000000000000000000000f2", "0000000000000001", null)
                .setModel("gpt-4o")
                .setAttributes(Map.of("metadata.region", "eu"))
                .build()));
    assertThat(
            api.send(
                    "PUT",
                    "/api/v1/traces/dd0000000000000000000000000000f2/tags",
                    project,
                    "{\"tags\": [\"reviewed\"]}")
                .status())
        .isEqualTo(200);

    Reply reply = api.get("/api/v1/traces/facets", project);

    assertThat(reply.status()).isEqualTo(200);
    JsonNode facets = reply.json();
    assertThat(texts(facets.get("models"))).containsExactly("claude-sonnet-4", "gpt-4o");
    assertThat(texts(facets.get("providers"))).containsExactly("anthropic", "openai");
    assertThat(texts(facets.get("service_names"))).containsExactly("agent-svc");
    assertThat(texts(facets.get("tags"))).containsExactly("beta", "checkout", "reviewed");
    assertThat(texts(facets.get("metadata_keys"))).containsExactly("env", "region");
    assertThat(texts(facets.get("sources"))).containsExactly("native-json");
    assertThat(api.get("/api/v1/traces?metadata.env=prod", project).json().get("count").asInt())
        .isEqualTo(1);
    assertThat(texts(api.get("/api/v1/traces/facets", INTRUDER).json().get("models"))).isEmpty();
    assertBadRequest(
        api.get("/api/v1/traces/facets?limit=3", project),
        "limit",
        "unknown parameter 'limit'; this endpoint takes no parameters");
  }

  private static Span.Builder facetSpan(String project, String trace, String id, String parent) {
    return span(trace, id, parent, "facet " + id, 0).setProjectId(project);
  }

  @Test
  void malformedRequestsAre400NamingTheParameterOrField() {
    String path = "/api/v1/traces/" + MIXED;
    assertBadRequest(
        api.get(path + "?format=tree2", PROJECT),
        "format",
        "format must be tree or flat, got 'tree2'");
    assertBadRequest(
        api.get(path + "?depth=3", PROJECT),
        "depth",
        "unknown parameter 'depth'; known parameters: format");
    assertBadRequest(
        api.send("DELETE", "/api/v1/traces/nope", PROJECT, null),
        "id",
        "trace id must be 32 hex characters, got 'nope'");
    assertBadRequest(
        api.send("PUT", path + "/tags", PROJECT, "not json"),
        "body",
        "body is not valid JSON (Unrecognized token 'not': was expecting (JSON String, Number,"
            + " Array, Object or token 'null', 'true' or 'false')); send e.g. {\"tags\":"
            + " [\"reviewed\"]}");
    assertBadRequest(
        api.send("PUT", path + "/tags", PROJECT, "[\"a\"]"),
        "body",
        "body must be a JSON object such as {\"tags\": [\"reviewed\"]}");
    assertBadRequest(
        api.send("PUT", path + "/tags", PROJECT, "{\"tags\": \"a\"}"),
        "tags",
        "tags must be an array of strings");
    assertBadRequest(
        api.send("PUT", path + "/tags", PROJECT, "{\"tags\": [\" \"]}"),
        "tags",
        "tags must not be empty");
    assertBadRequest(
        api.send("PUT", path + "/tags", PROJECT, "{\"tags\": [], \"colour\": 1}"),
        "colour",
        "unknown field 'colour'; known fields: tags");
    assertBadRequest(
        api.send("POST", path + "/annotations", PROJECT, "{\"author\": \"ana\"}"),
        "text",
        "text is required");
    assertBadRequest(
        api.send("POST", path + "/annotations", PROJECT, "{\"text\": \"x\", \"author\": 7}"),
        "author",
        "author must be a string, got number");
    assertBadRequest(
        api.send(
            "POST",
            path + "/annotations",
            PROJECT,
            "{\"text\": \"x\", \"author\": \"a\", \"score\": \"high\"}"),
        "score",
        "score must be a number, got \"high\"");
    assertBadRequest(
        api.send(
            "POST",
            path + "/annotations",
            PROJECT,
            "{\"text\": \"" + "x".repeat(10_001) + "\", \"author\": \"a\"}"),
        "text",
        "text is 10001 characters long; at most 10000 allowed");
  }

  /**
   * Issue #12: the detail of a large trace was answered whole (98 MB for 9,000 spans of 11 KB). Now
   * it holds the first 8 MiB of spans and a cursor; the spans endpoint pages through the rest, also
   * where several spans share a start time.
   */
  @Test
  void aLargeTraceIsAnsweredInBoundedPagesThatTogetherHoldEverySpan() {
    String trace = "dd0000000000000000000000000000f1";
    List<Span> spans = new ArrayList<>();
    String input = "x".repeat(10_000);
    for (int i = 1; i <= 1_200; i++) {
      // pairs of spans share a start time: pages must continue by span id within one
      spans.add(
          span(trace, String.format("%016x", i), i == 1 ? null : "0000000000000001", "s" + i, i / 2)
              .setInput(input)
              .build());
    }
    store.writeSpans(spans);

    JsonNode detail = api.get("/api/v1/traces/" + trace + "?format=flat", PROJECT).json();
    int shown = detail.get("spans").size();
    assertThat(shown).isBetween(700, 900); // 8 MiB of ~10 KB spans
    assertThat(detail.get("span_count").asInt()).isEqualTo(1_200);
    String cursor = detail.get("spans_next_cursor").asText();

    List<String> ids = new ArrayList<>();
    detail.get("spans").forEach(s -> ids.add(s.get("span_id").asText()));
    int pages = 0;
    while (cursor != null) {
      Reply page =
          api.get("/api/v1/traces/" + trace + "/spans?limit=300&cursor=" + cursor, PROJECT);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.json().get("spans").size()).isBetween(1, 300);
      page.json().get("spans").forEach(s -> ids.add(s.get("span_id").asText()));
      JsonNode next = page.json().get("next_cursor");
      cursor = next.isNull() ? null : next.asText();
      pages++;
    }
    assertThat(pages).isEqualTo(2);
    assertThat(ids).hasSize(1_200).doesNotHaveDuplicates();
    List<String> expected = new ArrayList<>();
    spans.stream()
        .sorted(
            java.util.Comparator.comparingLong(Span::getStartEpochNanos)
                .thenComparing(Span::getSpanId))
        .forEach(s -> expected.add(s.getSpanId()));
    assertThat(ids).isEqualTo(expected);

    assertThat(api.get("/api/v1/traces/" + WIDE, PROJECT).json().get("spans_next_cursor").isNull())
        .isTrue();
    assertBadRequest(
        api.get("/api/v1/traces/" + trace + "/spans?cursor=nope", PROJECT),
        "cursor",
        "cursor is not one this API issued; pass the next_cursor of the previous page unchanged");
    assertThat(api.get("/api/v1/traces/" + trace + "/spans", INTRUDER).status()).isEqualTo(404);
  }

  private static void assertBadRequest(Reply reply, String parameter, String message) {
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo(message);
    assertThat(reply.json().get("parameter").asText()).isEqualTo(parameter);
  }

  private static String newTrace(String traceId) {
    store.writeSpans(List.of(span(traceId, "0000000000000001", null, "run", 0).build()));
    return traceId;
  }

  private static List<String> names(JsonNode spans) {
    List<String> names = new ArrayList<>();
    spans.forEach(s -> names.add(s.get("name").asText()));
    return names;
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static Span.Builder span(
      String trace, String id, String parent, String name, long startMillis) {
    long start = BASE_NANOS + startMillis * 1_000_000L;
    return Span.newBuilder()
        .setProjectId(PROJECT)
        .setTraceId(trace)
        .setSpanId(id)
        .setParentSpanId(parent)
        .setName(name)
        .setKind(SpanKind.OTHER)
        .setStartEpochNanos(start)
        .setEndEpochNanos(start + 1_000_000L)
        .setStatus(SpanStatus.OK)
        .setSource("native-json")
        .setIngestedEpochMillis(1_763_000_000_000L);
  }
}

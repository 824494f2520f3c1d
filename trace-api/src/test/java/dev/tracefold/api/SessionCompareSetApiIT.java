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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions, compare and trace sets over HTTP, including project isolation and every 400. */
class SessionCompareSetApiIT {
  private static final long BASE_NANOS = 1_763_000_000_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final String PROJECT = "sessions-api";
  private static final String OTHER = "sessions-api-other";

  @TempDir static Path dataDir;

  private static ReadApiTestServer api;

  @BeforeAll
  static void start() {
    api = ReadApiTestServer.start(dataDir, Clock.systemUTC());
    TraceStore store = api.store();
    // session "s-1": traces 1 (ok, 100 tokens) and 2 (failed, 50 tokens); "s-2": trace 3
    store.writeSpans(
        List.of(
            span(PROJECT, 1, 1, null, "agent", 0, 100).setSessionId("s-1").setUserId("ana").build(),
            span(PROJECT, 1, 2, 1, "chat", 10, 50).setInputTokens(100L).setOutput("Paris").build(),
            span(PROJECT, 2, 1, null, "agent", 1000, 300).setSessionId("s-1").build(),
            span(PROJECT, 2, 2, 1, "chat", 1010, 80)
                .setInputTokens(50L)
                .setOutput("Lyon")
                .setStatus(SpanStatus.ERROR)
                .build(),
            span(PROJECT, 3, 1, null, "agent", 500, 10).setSessionId("s-2").build(),
            span(OTHER, 9, 1, null, "agent", 0, 10).setSessionId("s-1").build()));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void listsSessionsWithTotals() {
    Reply reply = api.get("/api/v1/sessions", PROJECT);

    assertThat(reply.status()).isEqualTo(200);
    JsonNode sessions = reply.json().get("sessions");
    assertThat(sessions)
        .extracting(s -> s.get("session_id").asText())
        .containsExactly("s-1", "s-2");
    JsonNode s1 = sessions.get(0);
    assertThat(s1.get("trace_count").asInt()).isEqualTo(2);
    assertThat(s1.get("duration_nanos").asLong()).isEqualTo(1300 * MS);
    assertThat(s1.get("total_trace_duration_nanos").asLong()).isEqualTo(400 * MS);
    assertThat(s1.get("input_tokens").asLong()).isEqualTo(150);
    assertThat(s1.get("error_count").asLong()).isEqualTo(1);
    assertThat(s1.get("error_trace_count").asLong()).isEqualTo(1);
    assertThat(s1.get("cost_microcents").isNull()).isTrue();
    assertThat(s1.get("user_ids")).extracting(JsonNode::asText).containsExactly("ana");
    assertThat(reply.json().get("has_more").asBoolean()).isFalse();
    assertThat(api.get("/api/v1/sessions?status=ERROR", PROJECT).json().get("sessions"))
        .extracting(s -> s.get("trace_count").asInt())
        .containsExactly(1);
    assertThat(api.get("/api/v1/sessions?page_size=1", PROJECT).json().get("has_more").asBoolean())
        .isTrue();
  }

  @Test
  void showsOneSessionsTracesInTimeOrder() {
    Reply reply = api.get("/api/v1/sessions/s-1", PROJECT);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("session").get("trace_count").asInt()).isEqualTo(2);
    assertThat(reply.json().get("traces"))
        .extracting(t -> t.get("id").asText())
        .containsExactly(traceId(1), traceId(2));
    assertThat(
            api.get("/api/v1/sessions/s-1?page_size=1", PROJECT).json().get("has_more").asBoolean())
        .isTrue();
    Reply elsewhere = api.get("/api/v1/sessions/s-1", OTHER);
    assertThat(elsewhere.json().get("traces"))
        .extracting(t -> t.get("id").asText())
        .containsExactly(traceId(9));
    Reply missing = api.get("/api/v1/sessions/s-9", PROJECT);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("error").asText())
        .isEqualTo("session s-9 not found in project sessions-api");
    assertThat(api.get("/api/v1/sessions?colour=red", PROJECT).json().get("parameter").asText())
        .isEqualTo("colour");
  }

  @Test
  void comparesTwoTraces() {
    Reply reply =
        api.send(
            "POST",
            "/api/v1/traces/compare",
            PROJECT,
            "{\"trace_id_a\": \"" + traceId(1) + "\", \"trace_id_b\": \"" + traceId(2) + "\"}");

    assertThat(reply.status()).isEqualTo(200);
    JsonNode diff = reply.json();
    assertThat(diff.get("trace_a").get("id").asText()).isEqualTo(traceId(1));
    assertThat(diff.get("rollup").get("status").get("b").asText()).isEqualTo("ERROR");
    assertThat(diff.get("rollup").get("input_tokens").get("delta").asLong()).isEqualTo(-50);
    JsonNode chat = diff.get("spans").get(1);
    assertThat(chat.get("change").asText()).isEqualTo("changed");
    assertThat(chat.get("differences").get("output").get("b").asText()).isEqualTo("Lyon");
    assertThat(diff.get("span_changes").get("changed").asInt()).isEqualTo(2);
  }

  @Test
  void compareNeverReachesAnotherProjectsTrace() {
    Reply reply =
        api.send(
            "POST",
            "/api/v1/traces/compare",
            OTHER,
            "{\"trace_id_a\": \"" + traceId(9) + "\", \"trace_id_b\": \"" + traceId(1) + "\"}");

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().get("parameter").asText()).isEqualTo("trace_id_b");
    assertThat(reply.json().get("error").asText())
        .isEqualTo("trace " + traceId(1) + " not found in project " + OTHER);
    Reply bad = api.send("POST", "/api/v1/traces/compare", PROJECT, "{\"trace_id_a\": \"x\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("parameter").asText()).isEqualTo("trace_id_a");
    assertThat(bad.json().get("error").asText())
        .isEqualTo("trace_id_a must be 32 hex characters, got 'x'");
  }

  @Test
  void createsTraceSetsFromAFilterOrIdsAndReadsThem() {
    Reply fromFilter =
        api.send(
            "POST",
            "/api/v1/trace-sets",
            PROJECT,
            "{\"name\": \"agents\", \"description\": \"all agent runs\","
                + " \"filter\": {\"name\": \"agent\", \"min_span_count\": 2}, \"limit\": 5}");
    Reply fromIds =
        api.send(
            "POST",
            "/api/v1/trace-sets",
            PROJECT,
            "{\"name\": \"picked\", \"trace_ids\": [\""
                + traceId(3).toUpperCase()
                + "\", \""
                + traceId(1)
                + "\"]}");

    assertThat(fromFilter.status()).isEqualTo(201);
    assertThat(fromFilter.json().get("trace_count").asInt()).isEqualTo(2);
    assertThat(fromFilter.json().get("filter").toString())
        .isEqualTo("{\"name\":[\"agent\"],\"min_span_count\":[\"2\"]}");
    assertThat(fromIds.status()).isEqualTo(201);
    assertThat(fromIds.json().get("filter").isNull()).isTrue();

    String id = fromFilter.json().get("id").asText();
    JsonNode set = api.get("/api/v1/trace-sets/" + id, PROJECT).json();
    assertThat(set.get("name").asText()).isEqualTo("agents");
    assertThat(set.get("description").asText()).isEqualTo("all agent runs");
    assertThat(set.get("trace_ids"))
        .extracting(JsonNode::asText)
        .containsExactly(traceId(2), traceId(1));
    assertThat(set.get("traces"))
        .extracting(t -> t.get("id").asText())
        .containsExactly(traceId(2), traceId(1));
    assertThat(set.get("missing_trace_ids")).isEmpty();
    JsonNode picked =
        api.get("/api/v1/trace-sets/" + fromIds.json().get("id").asText() + "?page_size=1", PROJECT)
            .json();
    assertThat(picked.get("trace_ids")).extracting(JsonNode::asText).containsExactly(traceId(3));
    assertThat(picked.get("has_more").asBoolean()).isTrue();
    assertThat(api.get("/api/v1/trace-sets", PROJECT).json().get("trace_sets"))
        .extracting(s -> s.get("id").asText())
        .contains(id, fromIds.json().get("id").asText());
    assertThat(api.get("/api/v1/trace-sets/" + id, OTHER).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/trace-sets", OTHER).json().get("trace_sets")).isEmpty();
  }

  @Test
  void rejectsMalformedTraceSets() {
    assertBadRequest(
        post("{\"name\": \"x\"}"),
        "filter",
        "give either filter or trace_ids (not both, not neither); e.g. {\"name\": \"failed"
            + " checkouts\", \"filter\": {\"status\": \"ERROR\", \"tags\": [\"checkout\"]}}");
    assertBadRequest(post("{\"filter\": {}}"), "name", "name is required");
    assertBadRequest(
        post("{\"name\": \"x\", \"filter\": {\"status\": \"BROKEN\"}}"),
        "filter.status",
        "status must be UNSET, OK or ERROR, got 'BROKEN'");
    assertBadRequest(
        post("{\"name\": \"x\", \"filter\": {\"status\": {\"a\": 1}}}"),
        "filter.status",
        "filter.status must be a string, a number, a boolean or an array of them");
    assertBadRequest(
        post("{\"name\": \"x\", \"filter\": {\"page\": 2}}"),
        "filter.page",
        "unknown parameter 'page'; the filters are "
            + String.join(", ", dev.tracefold.store.query.TraceFilterParams.PARAMETERS)
            + " and metadata.<key>");
    assertBadRequest(
        post("{\"name\": \"x\", \"filter\": {}, \"limit\": 0}"),
        "limit",
        "limit must be a whole number between 1 and 10000, got 0");
    assertBadRequest(
        post("{\"name\": \"x\", \"trace_ids\": [\"" + traceId(9) + "\"]}"),
        "trace_ids",
        "1 trace id is not a trace of project sessions-api: " + traceId(9));
    assertBadRequest(
        post("{\"name\": \"x\", \"trace_ids\": []}"),
        "trace_ids",
        "trace_ids must hold at least one trace id");
    assertBadRequest(
        post("{\"name\": \"x\", \"trace_ids\": [\"nope\"]}"),
        "trace_ids",
        "trace_ids must be 32 hex characters, got 'nope'");
  }

  private static Reply post(String body) {
    return api.send("POST", "/api/v1/trace-sets", PROJECT, body);
  }

  private static void assertBadRequest(Reply reply, String parameter, String message) {
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo(message);
    assertThat(reply.json().get("parameter").asText()).isEqualTo(parameter);
  }

  private static String traceId(int n) {
    return String.format("ee%030x", n);
  }

  private static Span.Builder span(
      String project,
      int trace,
      int span,
      Integer parent,
      String name,
      long startMillis,
      long durationMillis) {
    long start = BASE_NANOS + startMillis * MS;
    return Span.newBuilder()
        .setProjectId(project)
        .setTraceId(traceId(trace))
        .setSpanId(String.format("%016x", span))
        .setParentSpanId(parent == null ? null : String.format("%016x", parent))
        .setName(name)
        .setKind(SpanKind.OTHER)
        .setStartEpochNanos(start)
        .setEndEpochNanos(start + durationMillis * MS)
        .setStatus(SpanStatus.OK)
        .setSource("native-json")
        .setIngestedEpochMillis(1_763_000_000_000L);
  }
}

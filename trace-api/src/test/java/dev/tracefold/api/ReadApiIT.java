package dev.tracefold.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracefold.api.ReadApiTestServer.Reply;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanEvent;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.trace.CompletionDecision;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read API over HTTP, on a real {@link TraceStore} backed by an embedded PostgreSQL. */
class ReadApiIT {
  private static final long BASE_NANOS = 1_763_000_000_000_000_000L;
  private static final long MS = 1_000_000L;

  private static final String PROJECT = "read-api";
  private static final String COMPLETE_ID = "aa000000000000000000000000000001";
  private static final String OPEN_ID = "aa000000000000000000000000000002";
  private static final String OTHER_PROJECT_ID = "aa000000000000000000000000000003";

  @TempDir static Path dataDir;

  private static ReadApiTestServer api;
  private static TraceStore store;
  private static String triggerId;

  @BeforeAll
  static void start() {
    api = ReadApiTestServer.start(dataDir, Clock.systemUTC());
    store = api.store();

    List<Span> spans =
        List.of(
            span(PROJECT, COMPLETE_ID, "0000000000000001", null, "invoke_agent travel", 0, 900)
                .setInput("plan a trip")
                .setOutput("booked")
                .setSessionId("session-1")
                .setUserId("user-1")
                .setServiceName("travel-agent")
                .build(),
            span(
                    PROJECT,
                    COMPLETE_ID,
                    "0000000000000002",
                    "0000000000000001",
                    "chat gpt-4o",
                    10,
                    400)
                .setKind(SpanKind.LLM)
                .setOtelSpanKind("CLIENT")
                .setModel("gpt-4o")
                .setProvider("openai")
                .setInputTokens(120L)
                .setOutputTokens(45L)
                .setTimeToFirstTokenNanos(50 * MS)
                .setServiceName("travel-agent")
                .setAttributes(attributes())
                .setEvents(
                    List.of(
                        SpanEvent.newBuilder()
                            .setName("gen_ai.choice")
                            .setTimeEpochNanos(BASE_NANOS + 300 * MS)
                            .setAttributes(Map.of("index", 0L))
                            .build()))
                .build(),
            span(
                    PROJECT,
                    COMPLETE_ID,
                    "0000000000000003",
                    "0000000000000001",
                    "execute_tool get_weather",
                    500,
                    800)
                .setKind(SpanKind.TOOL)
                .setStatus(SpanStatus.ERROR)
                .setStatusMessage("weather api down")
                .setServiceName("travel-agent")
                .build());
    TraceRollup rollup = TraceRollups.compute(PROJECT, COMPLETE_ID, spans);
    CompletedTrace completed =
        CompletedTrace.newBuilder()
            .setProjectId(PROJECT)
            .setTraceId(COMPLETE_ID)
            .setRevision(1)
            .setCompletionReason(CompletionReason.QUIET)
            .setFirstArrivalEpochMillis(1_763_000_000_000L)
            .setLastArrivalEpochMillis(1_763_000_001_000L)
            .setCompletedEpochMillis(1_763_000_301_000L)
            .setRollup(rollup)
            .setSpans(spans)
            .build();
    triggerId = "trigger-" + COMPLETE_ID + "-1";
    EvaluationTrigger trigger =
        EvaluationTrigger.newBuilder()
            .setTriggerId(triggerId)
            .setRuleId("all-traces")
            .setProjectId(PROJECT)
            .setTraceId(COMPLETE_ID)
            .setRevision(1)
            .setFiredEpochMillis(1_763_000_302_000L)
            .setRollup(rollup)
            .setCompletedTopic("tracefold.traces.completed")
            .setCompletedPartition(0)
            .setCompletedOffset(7)
            .setApiPath("/api/v1/traces/" + COMPLETE_ID)
            .build();
    store.writeCompleted(completed, t -> CompletionDecision.fire(List.of(trigger)));

    // Started later, so listed first; still in progress.
    store.writeSpans(
        List.of(
            span(PROJECT, OPEN_ID, "0000000000000011", null, "open trace", 5_000, 5_100).build()));
    store.writeSpans(
        List.of(
            span("elsewhere", OTHER_PROJECT_ID, "0000000000000021", null, "other project", 0, 10)
                .build()));

    List<Span> paged = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      String traceId = String.format("bb0000000000000000000000000000%02d", i);
      paged.add(
          span(
                  "paged",
                  traceId,
                  "00000000000000" + String.format("%02d", i),
                  null,
                  "t" + i,
                  i * 100,
                  i * 100 + 50)
              .build());
    }
    store.writeSpans(paged);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void listsTracesNewestFirstWithTheirRollups() {
    Reply reply = get("/api/v1/traces", PROJECT);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).startsWith("application/json");
    JsonNode body = reply.json();
    assertThat(body.get("count").asInt()).isEqualTo(2);
    assertThat(body.get("total_count").asLong()).isEqualTo(2);
    assertThat(body.get("page").asInt()).isEqualTo(1);
    assertThat(body.get("page_size").asInt()).isEqualTo(100);
    assertThat(body.get("traces"))
        .extracting(t -> t.get("id").asText())
        .containsExactly(OPEN_ID, COMPLETE_ID);

    JsonNode open = body.get("traces").get(0);
    assertThat(open.get("state").asText()).isEqualTo("in_progress");
    assertThat(open.get("revision").asInt()).isZero();
    assertThat(open.get("completion_reason").isNull()).isTrue();
    assertThat(open.get("name").asText()).isEqualTo("open trace");
    assertThat(open.get("rollup_revision").isNull()).isTrue();
    assertThat(open.get("spans_beyond_revision").asInt()).isEqualTo(1);

    JsonNode trace = body.get("traces").get(1);
    assertThat(trace.get("project_id").asText()).isEqualTo(PROJECT);
    assertThat(trace.get("name").asText()).isEqualTo("invoke_agent travel");
    assertThat(trace.get("state").asText()).isEqualTo("complete");
    assertThat(trace.get("revision").asInt()).isEqualTo(1);
    assertThat(trace.get("completion_reason").asText()).isEqualTo("QUIET");
    assertThat(trace.get("rollup_revision").asInt()).isEqualTo(1);
    assertThat(trace.get("spans_beyond_revision").asInt()).isZero();
    assertThat(trace.get("status").asText()).isEqualTo("ERROR");
    assertThat(trace.get("span_count").asInt()).isEqualTo(3);
    assertThat(trace.get("error_count").asInt()).isEqualTo(1);
    assertThat(trace.get("start_epoch_nanos").asLong()).isEqualTo(BASE_NANOS);
    assertThat(trace.get("end_epoch_nanos").asLong()).isEqualTo(BASE_NANOS + 900 * MS);
    assertThat(trace.get("duration_nanos").asLong()).isEqualTo(900 * MS);
    assertThat(trace.get("input_tokens").asLong()).isEqualTo(120);
    assertThat(trace.get("output_tokens").asLong()).isEqualTo(45);
    assertThat(trace.get("total_tokens").asLong()).isEqualTo(165);
    assertThat(trace.get("cost_microcents").isNull()).isTrue();
    assertThat(trace.get("time_to_first_token_nanos").asLong()).isEqualTo(60 * MS);
    assertThat(texts(trace.get("models"))).containsExactly("gpt-4o");
    assertThat(texts(trace.get("providers"))).containsExactly("openai");
    assertThat(texts(trace.get("service_names"))).containsExactly("travel-agent");
    assertThat(trace.get("session_id").asText()).isEqualTo("session-1");
    assertThat(trace.get("user_id").asText()).isEqualTo("user-1");
    assertThat(trace.get("tags").isArray()).isTrue();
    assertThat(trace.get("tags")).isEmpty();
    assertThat(trace.get("input").asText()).isEqualTo("plan a trip");
    assertThat(trace.get("output").asText()).isEqualTo("booked");
    assertThat(trace.has("spans")).isFalse();
    assertThat(trace.has("fired_triggers")).isFalse();
  }

  @Test
  void getsOneTraceWithItsSpansInStartOrder() {
    Reply reply = get("/api/v1/traces/" + COMPLETE_ID + "?format=flat", PROJECT);

    assertThat(reply.status()).isEqualTo(200);
    JsonNode trace = reply.json();
    assertThat(trace.get("id").asText()).isEqualTo(COMPLETE_ID);
    assertThat(trace.get("state").asText()).isEqualTo("complete");
    assertThat(trace.get("fired_triggers")).hasSize(1);
    JsonNode fired = trace.get("fired_triggers").get(0);
    assertThat(fired.get("trigger_id").asText()).isEqualTo(triggerId);
    assertThat(fired.get("rule_id").asText()).isEqualTo("all-traces");
    assertThat(fired.get("revision").asInt()).isEqualTo(1);
    assertThat(fired.get("turn").asText()).isEqualTo("every");
    assertThat(fired.get("fired_epoch_millis").asLong()).isPositive();
    assertThat(trace.get("spans"))
        .extracting(s -> s.get("span_id").asText())
        .containsExactly("0000000000000001", "0000000000000002", "0000000000000003");

    JsonNode root = trace.get("spans").get(0);
    assertThat(root.get("parent_span_id").isNull()).isTrue();
    assertThat(root.get("kind").asText()).isEqualTo("other");
    assertThat(root.get("input").asText()).isEqualTo("plan a trip");

    JsonNode llm = trace.get("spans").get(1);
    assertThat(llm.get("parent_span_id").asText()).isEqualTo("0000000000000001");
    assertThat(llm.get("name").asText()).isEqualTo("chat gpt-4o");
    assertThat(llm.get("kind").asText()).isEqualTo("llm");
    assertThat(llm.get("status").asText()).isEqualTo("UNSET");
    assertThat(llm.get("status_message").isNull()).isTrue();
    assertThat(llm.get("start_epoch_nanos").asLong()).isEqualTo(BASE_NANOS + 10 * MS);
    assertThat(llm.get("end_epoch_nanos").asLong()).isEqualTo(BASE_NANOS + 400 * MS);
    assertThat(llm.get("duration_nanos").asLong()).isEqualTo(390 * MS);
    assertThat(llm.get("model").asText()).isEqualTo("gpt-4o");
    assertThat(llm.get("provider").asText()).isEqualTo("openai");
    assertThat(llm.get("input_tokens").asLong()).isEqualTo(120);
    assertThat(llm.get("output_tokens").asLong()).isEqualTo(45);
    assertThat(llm.get("cost_microcents").isNull()).isTrue();
    assertThat(llm.get("service_name").asText()).isEqualTo("travel-agent");
    assertThat(llm.get("session_id").isNull()).isTrue();
    assertThat(llm.get("output").isNull()).isTrue();
    JsonNode attributes = llm.get("attributes");
    assertThat(attributes.get("gen_ai.request.model").isTextual()).isTrue();
    assertThat(attributes.get("gen_ai.usage.input_tokens").isIntegralNumber()).isTrue();
    assertThat(attributes.get("gen_ai.usage.input_tokens").asLong()).isEqualTo(120);
    assertThat(attributes.get("temperature").asDouble()).isEqualTo(0.2);
    assertThat(attributes.get("stream").asBoolean()).isTrue();
    assertThat(attributes.get("stop").asText()).isEqualTo("[\"\\n\"]");
    assertThat(attributes.get("nothing").isNull()).isTrue();
    JsonNode event = llm.get("events").get(0);
    assertThat(event.get("name").asText()).isEqualTo("gen_ai.choice");
    assertThat(event.get("time_epoch_nanos").asLong()).isEqualTo(BASE_NANOS + 300 * MS);
    assertThat(event.get("attributes").get("index").asLong()).isZero();

    JsonNode tool = trace.get("spans").get(2);
    assertThat(tool.get("kind").asText()).isEqualTo("tool");
    assertThat(tool.get("status").asText()).isEqualTo("ERROR");
    assertThat(tool.get("status_message").asText()).isEqualTo("weather api down");
  }

  /**
   * Issue #17: the spans reached the store before the revision they follow. The summary says which
   * revision was stored and that spans beyond it are, until a revision covers them.
   */
  @Test
  void aRevisionWithSpansStoredBeyondItReadsInProgressWithTheirCount() {
    String project = "read-api-late";
    String id = "ac000000000000000000000000000001";
    List<Span> spans =
        List.of(
            span(project, id, "0000000000000001", null, "agent", 0, 900).build(),
            span(project, id, "0000000000000002", "0000000000000001", "step", 10, 20).build(),
            span(project, id, "0000000000000003", "0000000000000001", "step", 30, 40).build());
    store.writeSpans(spans);
    store.writeCompleted(
        revision(project, id, spans.subList(0, 1), 1), t -> CompletionDecision.NONE);

    JsonNode beyond = get("/api/v1/traces/" + id, project).json();

    assertThat(beyond.get("state").asText()).isEqualTo("in_progress");
    assertThat(beyond.get("revision").asInt()).isEqualTo(1);
    assertThat(beyond.get("completion_reason").asText()).isEqualTo("QUIET");
    assertThat(beyond.get("rollup_revision").isNull()).isTrue();
    assertThat(beyond.get("spans_beyond_revision").asInt()).isEqualTo(2);
    assertThat(beyond.get("span_count").asInt()).isEqualTo(3);
    JsonNode listed = get("/api/v1/traces", project).json().get("traces").get(0);
    assertThat(listed.get("spans_beyond_revision").asInt()).isEqualTo(2);

    store.writeCompleted(revision(project, id, spans, 2), t -> CompletionDecision.NONE);

    JsonNode complete = get("/api/v1/traces/" + id, project).json();
    assertThat(complete.get("state").asText()).isEqualTo("complete");
    assertThat(complete.get("rollup_revision").asInt()).isEqualTo(2);
    assertThat(complete.get("spans_beyond_revision").asInt()).isZero();
  }

  private static CompletedTrace revision(
      String project, String traceId, List<Span> spans, int revision) {
    return CompletedTrace.newBuilder()
        .setProjectId(project)
        .setTraceId(traceId)
        .setRevision(revision)
        .setCompletionReason(CompletionReason.QUIET)
        .setFirstArrivalEpochMillis(1_763_000_000_000L)
        .setLastArrivalEpochMillis(1_763_000_001_000L)
        .setCompletedEpochMillis(1_763_000_301_000L)
        .setRollup(TraceRollups.compute(project, traceId, spans))
        .setSpans(spans)
        .build();
  }

  @Test
  void upperCaseIdsAreAccepted() {
    assertThat(
            get("/api/v1/traces/" + COMPLETE_ID.toUpperCase(), PROJECT).json().get("id").asText())
        .isEqualTo(COMPLETE_ID);
  }

  @Test
  void paginates() {
    Reply first = get("/api/v1/traces?page=1&page_size=2", "paged");
    Reply third = get("/api/v1/traces?page=3&page_size=2", "paged");
    Reply beyond = get("/api/v1/traces?page=4&page_size=2", "paged");

    assertThat(first.json().get("traces"))
        .extracting(t -> t.get("name").asText())
        .containsExactly("t5", "t4");
    assertThat(first.json().get("count").asInt()).isEqualTo(2);
    assertThat(first.json().get("total_count").asLong()).isEqualTo(5);
    assertThat(first.json().get("page_size").asInt()).isEqualTo(2);
    assertThat(third.json().get("traces"))
        .extracting(t -> t.get("name").asText())
        .containsExactly("t1");
    assertThat(third.json().get("page").asInt()).isEqualTo(3);
    assertThat(beyond.status()).isEqualTo(200);
    assertThat(beyond.json().get("traces")).isEmpty();
    assertThat(beyond.json().get("total_count").asLong()).isEqualTo(5);
  }

  @Test
  void projectsAreIsolated() {
    assertThat(get("/api/v1/traces", "elsewhere").json().get("traces"))
        .extracting(t -> t.get("id").asText())
        .containsExactly(OTHER_PROJECT_ID);
    assertThat(get("/api/v1/traces/" + OTHER_PROJECT_ID, PROJECT).status()).isEqualTo(404);
    assertThat(get("/api/v1/traces", null).json().get("total_count").asLong()).isZero();
  }

  @Test
  void unknownTraceIs404() {
    Reply reply = get("/api/v1/traces/ffffffffffffffffffffffffffffffff", PROJECT);

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().get("error").asText())
        .isEqualTo("trace ffffffffffffffffffffffffffffffff not found in project read-api");
  }

  @Test
  void malformedInputIs400NamingTheParameter() {
    assertBadRequest(
        get("/api/v1/traces/xyz", PROJECT), "id", "trace id must be 32 hex characters, got 'xyz'");
    assertBadRequest(
        get("/api/v1/traces/" + COMPLETE_ID + "0", PROJECT),
        "id",
        "trace id must be 32 hex characters, got '" + COMPLETE_ID + "0'");
    assertBadRequest(
        get("/api/v1/traces?page=0", PROJECT), "page", "page must be an integer >= 1, got '0'");
    assertBadRequest(
        get("/api/v1/traces?page=two", PROJECT), "page", "page must be an integer >= 1, got 'two'");
    assertBadRequest(
        get("/api/v1/traces?page_size=501", PROJECT),
        "page_size",
        "page_size must be an integer between 1 and 500, got '501'");
    assertBadRequest(
        get("/api/v1/traces?page_size=0", PROJECT),
        "page_size",
        "page_size must be an integer between 1 and 500, got '0'");
  }

  @Test
  void requestsWithoutAValidKeyAre401() {
    Reply noKey = api.sendWithKey("GET", "/api/v1/traces", null, null);
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.json().get("error").asText()).isNotEmpty();
    Reply unknownKey =
        api.sendWithKey("GET", "/api/v1/traces/" + COMPLETE_ID, "tf_notakey0000000000000000", null);
    assertThat(unknownKey.status()).isEqualTo(401);
  }

  private static void assertBadRequest(Reply reply, String parameter, String message) {
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("parameter").asText()).isEqualTo(parameter);
    assertThat(reply.json().get("error").asText()).isEqualTo(message);
  }

  private static Map<String, Object> attributes() {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("gen_ai.request.model", "gpt-4o");
    attributes.put("gen_ai.usage.input_tokens", 120L);
    attributes.put("temperature", 0.2);
    attributes.put("stream", true);
    attributes.put("stop", "[\"\\n\"]");
    attributes.put("nothing", null);
    return attributes;
  }

  private static Span.Builder span(
      String project,
      String traceId,
      String spanId,
      String parentId,
      String name,
      long startMillis,
      long endMillis) {
    return Span.newBuilder()
        .setProjectId(project)
        .setTraceId(traceId)
        .setSpanId(spanId)
        .setParentSpanId(parentId)
        .setName(name)
        .setKind(SpanKind.OTHER)
        .setStartEpochNanos(BASE_NANOS + startMillis * MS)
        .setEndEpochNanos(BASE_NANOS + endMillis * MS)
        .setStatus(SpanStatus.UNSET)
        .setSource("otlp-http-protobuf")
        .setIngestedEpochMillis(1_763_000_000_000L);
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static Reply get(String path, String project) {
    return api.get(path, project);
  }
}

package dev.tracefold.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.server.ServiceConfig;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tracefold.api.ReadApiTestServer.Reply;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.store.evaluation.DecidedTrigger;
import dev.tracefold.store.evaluation.RuleTurn;
import dev.tracefold.store.query.TraceFilterParams;
import dev.tracefold.store.trace.CompletionDecision;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document ({@code GET /api/v1/openapi.json}) against the real read API: it documents
 * exactly the routes the server has, exactly the list parameters the parser accepts, every {@code
 * $ref} resolves, and real responses of every route validate against the schemas it gives them
 * (JSON Schema draft 2020-12, which OpenAPI 3.1 uses; the schemas are closed, so an undocumented or
 * missing field fails).
 */
class OpenApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROJECT = "openapi";
  private static final long BASE_NANOS = 1_763_000_000_000_000_000L;
  private static final String TRACE_A = "ab000000000000000000000000000001";
  private static final String TRACE_B = "ab000000000000000000000000000002";
  private static final String TRACE_C = "ab000000000000000000000000000003";

  @TempDir static Path dataDir;

  private static ReadApiTestServer api;
  private static JsonNode document;
  private static String definitions;

  @BeforeAll
  static void start() throws IOException {
    api = ReadApiTestServer.start(dataDir, Clock.systemUTC());
    document = JSON.readTree(OpenApiService.load());
    // the component schemas as $defs of one JSON Schema document
    definitions =
        document
            .get("components")
            .get("schemas")
            .toString()
            .replace("#/components/schemas/", "#/$defs/");
    for (String trace : List.of(TRACE_A, TRACE_B)) {
      api.store()
          .writeSpans(
              List.of(
                  span(trace, "0000000000000001", null, "agent").setSessionId("s-1").build(),
                  span(trace, "0000000000000002", "0000000000000001", "chat")
                      .setKind(SpanKind.LLM)
                      .setModel("gpt-4o")
                      .setInputTokens(trace.equals(TRACE_A) ? 10L : 12L)
                      .setAttributes(Map.of("temperature", 0.2, "stream", true, "n", 1L))
                      .build(),
                  span(trace, "0000000000000003", "00000000000000ff", "orphan").build()));
    }
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void servesTheDocument() throws IOException {
    Reply reply = api.get(OpenApiService.PATH, null);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.json()).isEqualTo(document);
    assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
  }

  @Test
  void documentsExactlyTheRoutesTheServerHas() {
    Set<String> real = new TreeSet<>();
    for (ServiceConfig config : api.server().serviceConfigs()) {
      String path = config.route().patternString().replaceAll(":([a-z_]+)", "{$1}");
      if (path.startsWith("/api/v1")) {
        config.route().methods().forEach(method -> real.add(method + " " + path));
      }
    }
    Set<String> documented = new TreeSet<>();
    document
        .get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method ->
                            documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));

    assertThat(real).hasSizeGreaterThan(10);
    assertThat(documented).isEqualTo(real);
  }

  @Test
  void documentsExactlyTheListParametersTheParserAccepts() {
    Set<String> traces = new TreeSet<>(TraceFilterParams.PARAMETERS);
    traces.addAll(TraceListRequest.PAGING_PARAMETERS);
    Set<String> sessions = new TreeSet<>(TraceFilterParams.PARAMETERS);
    sessions.addAll(ApiRequests.PAGE_PARAMETERS);

    assertThat(queryParameters("/api/v1/traces", "get")).isEqualTo(traces);
    assertThat(queryParameters("/api/v1/sessions", "get")).isEqualTo(sessions);
  }

  @Test
  void everyReferenceResolves() {
    List<String> refs = new ArrayList<>();
    collectRefs(document, refs);

    assertThat(refs).hasSizeGreaterThan(50);
    assertThat(refs)
        .allSatisfy(
            ref -> assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse());
  }

  @Test
  void realResponsesMatchTheirDocumentedSchemas() throws IOException {
    String trace = "/api/v1/traces/" + TRACE_A;
    check("/api/v1/traces", "get", api.get("/api/v1/traces?page_size=1", PROJECT));
    check("/api/v1/traces", "get", api.get("/api/v1/traces?status=BAD", PROJECT));
    check("/api/v1/traces", "get", api.sendWithKey("GET", "/api/v1/traces", null, null));
    check("/api/v1/traces/sources", "get", api.get("/api/v1/traces/sources", PROJECT));
    check("/api/v1/traces/facets", "get", api.get("/api/v1/traces/facets", PROJECT));
    check("/api/v1/traces/{id}", "get", api.get(trace, PROJECT));
    check("/api/v1/traces/{id}", "get", api.get(trace + "?format=flat", PROJECT));
    check("/api/v1/traces/{id}", "get", api.get("/api/v1/traces/" + "f".repeat(32), PROJECT));
    check(
        "/api/v1/traces/{id}/tags",
        "put",
        api.send("PUT", trace + "/tags", PROJECT, "{\"tags\": [\"x\"]}"));
    check(
        "/api/v1/traces/{id}/annotations",
        "post",
        api.send(
            "POST",
            trace + "/annotations",
            PROJECT,
            "{\"text\": \"t\", \"author\": \"a\", \"score\": 1}"));
    check("/api/v1/traces/{id}/save", "post", api.send("POST", trace + "/save", PROJECT, null));
    check("/api/v1/traces/{id}/save", "delete", api.send("DELETE", trace + "/save", PROJECT, null));
    check(
        "/api/v1/traces/compare",
        "post",
        api.send(
            "POST",
            "/api/v1/traces/compare",
            PROJECT,
            "{\"trace_id_a\": \"" + TRACE_A + "\", \"trace_id_b\": \"" + TRACE_B + "\"}"));
    check("/api/v1/sessions", "get", api.get("/api/v1/sessions", PROJECT));
    check("/api/v1/sessions/{session_id}", "get", api.get("/api/v1/sessions/s-1", PROJECT));
    Reply set =
        api.send(
            "POST",
            "/api/v1/trace-sets",
            PROJECT,
            "{\"name\": \"all\", \"filter\": {\"models\": [\"gpt-4o\"]}}");
    check("/api/v1/trace-sets", "post", set);
    check("/api/v1/trace-sets", "get", api.get("/api/v1/trace-sets", PROJECT));
    check(
        "/api/v1/trace-sets/{set_id}",
        "get",
        api.get("/api/v1/trace-sets/" + set.json().get("id").asText(), PROJECT));
    check(
        "/api/v1/traces/{id}",
        "delete",
        api.send("DELETE", "/api/v1/traces/" + TRACE_B, PROJECT, null));
  }

  @Test
  void ruleAndQueueResponsesMatchTheirDocumentedSchemas() throws IOException {
    String queueId = completeTraceC();
    String scores = "/api/v1/traces/{id}/scores";
    String scoresOfC = "/api/v1/traces/" + TRACE_C + "/scores";
    String score =
        "{\"evaluator\": \"judge\", \"trigger_id\": \"trigger-"
            + TRACE_C
            + "\", \"passed\": false, \"value\": 0.5, \"label\": \"x\", \"reason\": \"r\"}";
    check(scores, "post", api.send("POST", scoresOfC, PROJECT, score));
    check(scores, "post", api.send("POST", scoresOfC, PROJECT, score));
    check(scores, "post", api.send("POST", scoresOfC, PROJECT, "{\"evaluator\": \"judge\"}"));
    check(
        scores,
        "post",
        api.send(
            "POST",
            "/api/v1/traces/" + "e".repeat(32) + "/scores",
            PROJECT,
            "{\"evaluator\": \"judge\", \"passed\": true}"));
    check(
        "/api/v1/traces",
        "get",
        api.get("/api/v1/traces?evaluator=judge&sort_by=score&page_size=1", PROJECT));
    String rules = "/api/v1/evaluation-rules";
    Reply rule =
        api.send(
            "POST",
            rules,
            PROJECT,
            "{\"name\": \"r\", \"filter\": {\"status\": \"ERROR\"}, \"sampling_percent\": 2.5,"
                + " \"turn\": \"last\", \"last_delay_seconds\": 60}");
    check(rules, "post", rule);
    check(rules, "post", api.send("POST", rules, PROJECT, "{\"name\": \"r\", \"turn\": \"x\"}"));
    check(rules, "get", api.get(rules, PROJECT));
    String oneRule = rules + "/{rule_id}";
    String rulePath = rules + "/" + rule.json().get("id").asText();
    check(oneRule, "get", api.get(rulePath, PROJECT));
    check(oneRule, "get", api.get(rules + "/missing", PROJECT));
    check(oneRule, "put", api.send("PUT", rulePath, PROJECT, "{\"name\": \"every\"}"));
    check(oneRule, "delete", api.send("DELETE", rulePath, PROJECT, null));

    String queues = "/api/v1/annotation-queues";
    check(queues, "post", api.send("POST", queues, PROJECT, "{\"name\": \"q\", \"x\": 1}"));
    check(queues, "get", api.get(queues, PROJECT));
    String oneQueue = queues + "/{queue_id}";
    String queuePath = queues + "/" + queueId;
    check(oneQueue, "get", api.get(queuePath, PROJECT));
    check(
        oneQueue,
        "put",
        api.send("PUT", queuePath, PROJECT, "{\"name\": \"q\", \"description\": \"d\"}"));
    String items = oneQueue + "/items";
    check(items, "get", api.get(queuePath + "/items?status=pending", PROJECT));
    check(items, "get", api.get(queues + "/missing/items", PROJECT));
    String item = items + "/{trace_id}";
    check(
        item,
        "put",
        api.send(
            "PUT",
            queuePath + "/items/" + TRACE_C,
            PROJECT,
            "{\"status\": \"done\", \"done_by\": \"ana\"}"));
    check(
        item,
        "put",
        api.send("PUT", queuePath + "/items/" + TRACE_C, PROJECT, "{\"status\": \"pending\"}"));
    check(
        item,
        "put",
        api.send("PUT", queuePath + "/items/" + TRACE_A, PROJECT, "{\"status\": \"done\"}"));
    check("/api/v1/traces/{id}", "get", api.get("/api/v1/traces/" + TRACE_C, PROJECT));
    Reply created = api.send("POST", queues, PROJECT, "{\"name\": \"gone\"}");
    check(queues, "post", created);
    check(
        oneQueue,
        "delete",
        api.send("DELETE", queues + "/" + created.json().get("id").asText(), PROJECT, null));
  }

  /**
   * Stores trace C completed, with a fired trigger and as an item of a new annotation queue;
   * returns the queue's id.
   */
  private static String completeTraceC() {
    String queueId =
        api.send("POST", "/api/v1/annotation-queues", PROJECT, "{\"name\": \"review\"}")
            .json()
            .get("id")
            .asText();
    List<Span> spans = List.of(span(TRACE_C, "0000000000000001", null, "agent").build());
    TraceRollup rollup = TraceRollups.compute(PROJECT, TRACE_C, spans);
    CompletedTrace trace =
        CompletedTrace.newBuilder()
            .setProjectId(PROJECT)
            .setTraceId(TRACE_C)
            .setRevision(1)
            .setCompletionReason(CompletionReason.QUIET)
            .setFirstArrivalEpochMillis(1_763_000_000_000L)
            .setLastArrivalEpochMillis(1_763_000_001_000L)
            .setCompletedEpochMillis(1_763_000_301_000L)
            .setRollup(rollup)
            .setSpans(spans)
            .build();
    EvaluationTrigger trigger =
        EvaluationTrigger.newBuilder()
            .setTriggerId("trigger-" + TRACE_C)
            .setRuleId("rule-1")
            .setProjectId(PROJECT)
            .setTraceId(TRACE_C)
            .setRevision(1)
            .setFiredEpochMillis(1_763_000_302_000L)
            .setRollup(rollup)
            .setCompletedTopic("tracefold.traces.completed")
            .setCompletedPartition(0)
            .setCompletedOffset(0L)
            .setApiPath("/api/v1/traces/" + TRACE_C)
            .build();
    api.store()
        .writeCompleted(
            trace,
            stored ->
                new CompletionDecision(
                    List.of(DecidedTrigger.now(trigger, RuleTurn.EVERY)), List.of(queueId)));
    return queueId;
  }

  /** The response's status is documented for the operation and its body matches that schema. */
  private static void check(String path, String method, Reply reply) throws IOException {
    JsonNode response =
        document
            .get("paths")
            .get(path)
            .get(method)
            .get("responses")
            .get(String.valueOf(reply.status()));
    assertThat(response)
        .as("%s %s answered %s, which is not documented", method, path, reply.status())
        .isNotNull();
    JsonNode content = response.get("content");
    if (content == null) {
      assertThat(reply.json()).as("%s %s %s has a body", method, path, reply.status()).isNull();
      return;
    }
    String ref = content.get("application/json").get("schema").get("$ref").asText();
    String schemaText =
        "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"$defs\": "
            + definitions
            + ", \"$ref\": \""
            + ref.replace("#/components/schemas/", "#/$defs/")
            + "\"}";
    Schema schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schemaText);
    List<Error> errors = schema.validate(JSON.writeValueAsString(reply.json()), InputFormat.JSON);

    assertThat(errors).as("%s %s %s: %s", method, path, reply.status(), reply.json()).isEmpty();
  }

  private static Set<String> queryParameters(String path, String method) {
    Set<String> names = new TreeSet<>();
    for (JsonNode parameter : document.get("paths").get(path).get(method).get("parameters")) {
      JsonNode resolved = document.at(parameter.get("$ref").asText().substring(1));
      if (resolved.get("in").asText().equals("query")) {
        names.add(resolved.get("name").asText());
      }
    }
    return names;
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (field.getKey().equals("$ref")) {
          refs.add(field.getValue().asText());
        } else {
          collectRefs(field.getValue(), refs);
        }
      }
    } else if (node.isArray()) {
      node.forEach(item -> collectRefs(item, refs));
    }
  }

  private static Span.Builder span(String trace, String id, String parent, String name) {
    return Span.newBuilder()
        .setProjectId(PROJECT)
        .setTraceId(trace)
        .setSpanId(id)
        .setParentSpanId(parent)
        .setName(name)
        .setKind(SpanKind.AGENT)
        .setStartEpochNanos(BASE_NANOS)
        .setEndEpochNanos(BASE_NANOS + 1_000_000L)
        .setStatus(SpanStatus.OK)
        .setSource("native-json")
        .setIngestedEpochMillis(1_763_000_000_000L);
  }
}

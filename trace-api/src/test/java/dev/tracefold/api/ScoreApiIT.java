package dev.tracefold.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Scores over HTTP: {@code POST /api/v1/traces/{id}/scores} (201, the 200 of a replay, every 400,
 * 404), the scores on {@code GET /api/v1/traces/{id}} and in the summary, the score filters and
 * sort of the listing, and queues and trace sets selecting by scores.
 */
class ScoreApiIT {
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
  void anEvaluatorAnswersATriggerOnceAndTheTraceShowsTheScore() {
    String project = "scores-trigger";
    String trigger = complete(project, traceId(1), 0, "rule-1");
    assertThat(ids(project, "score_pending=true")).containsExactly(traceId(1));
    assertThat(trace(project, 1).get("fired_triggers").get(0).get("score_pending").asBoolean())
        .isTrue();

    Reply created =
        score(
            project,
            1,
            "{\"evaluator\": \"judge\", \"evaluator_version\": \"2.1\", \"trigger_id\": \""
                + trigger
                + "\", \"passed\": false, \"value\": 0.25, \"label\": \"wrong-city\","
                + " \"reason\": \"Lyon is not the capital\", \"created_by\": \"judge-pod-1\"}");
    Reply replay =
        score(
            project,
            1,
            "{\"evaluator\": \"judge\", \"trigger_id\": \"" + trigger + "\", \"passed\": true}");

    assertThat(created.status()).as(created.json().toString()).isEqualTo(201);
    JsonNode score = created.json();
    assertThat(fieldNames(score))
        .containsExactly(
            "id",
            "evaluator",
            "evaluator_version",
            "trigger_id",
            "rule_id",
            "revision",
            "passed",
            "value",
            "label",
            "reason",
            "source",
            "created_by",
            "created_epoch_millis");
    assertThat(score.get("evaluator").asText()).isEqualTo("judge");
    assertThat(score.get("evaluator_version").asText()).isEqualTo("2.1");
    assertThat(score.get("trigger_id").asText()).isEqualTo(trigger);
    assertThat(score.get("rule_id").asText()).isEqualTo("rule-1");
    assertThat(score.get("revision").asInt()).isEqualTo(1);
    assertThat(score.get("passed").asBoolean()).isFalse();
    assertThat(score.get("value").asDouble()).isEqualTo(0.25);
    assertThat(score.get("label").asText()).isEqualTo("wrong-city");
    assertThat(score.get("reason").asText()).isEqualTo("Lyon is not the capital");
    assertThat(score.get("source").asText()).isEqualTo("evaluation");
    assertThat(score.get("created_by").asText()).isEqualTo("judge-pod-1");
    assertThat(score.get("created_epoch_millis").asLong()).isPositive();
    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.json()).isEqualTo(score);

    JsonNode trace = trace(project, 1);
    assertThat(trace.get("scores")).containsExactly(score);
    assertThat(trace.get("fired_triggers").get(0).get("score_pending").asBoolean()).isFalse();
    assertThat(trace.get("scores_count").asInt()).isEqualTo(1);
    assertThat(trace.get("scores_passed").asInt()).isZero();
    assertThat(trace.get("scores_failed").asInt()).isEqualTo(1);
    JsonNode latest = trace.get("latest_scores").get(0);
    assertThat(latest.has("reason")).isFalse();
    assertThat(latest.get("id")).isEqualTo(score.get("id"));
    JsonNode listed = api.get("/api/v1/traces", project).json().get("traces").get(0);
    assertThat(listed.get("scores_count").asInt()).isEqualTo(1);
    assertThat(listed.get("latest_scores")).isEqualTo(trace.get("latest_scores"));
    assertThat(ids(project, "score_pending=true")).isEmpty();
    assertThat(ids(project, "score_pending=false")).containsExactly(traceId(1));
  }

  @Test
  void filtersAndSortsByScores() {
    String project = "scores-filters";
    for (int n = 1; n <= 4; n++) {
      complete(project, traceId(n), n, null);
    }
    score(project, 1, "{\"evaluator\": \"judge\", \"passed\": false, \"value\": 0.1}");
    score(project, 2, "{\"evaluator\": \"judge\", \"passed\": true, \"value\": 0.9}");
    score(project, 3, "{\"evaluator\": \"judge\", \"value\": 0.5, \"label\": \"meh\"}");
    score(
        project,
        3,
        "{\"evaluator\": \"ana\", \"passed\": false, \"source\": \"annotation\","
            + " \"created_by\": \"ana@example.com\"}");

    assertThat(ids(project, "evaluator=judge")).containsExactly(traceId(3), traceId(2), traceId(1));
    assertThat(ids(project, "passed=false")).containsExactly(traceId(3), traceId(1));
    assertThat(ids(project, "evaluator=judge&passed=false")).containsExactly(traceId(1));
    assertThat(ids(project, "evaluator=judge&min_score=0.5"))
        .containsExactly(traceId(3), traceId(2));
    assertThat(ids(project, "evaluator=judge&max_score=0.4")).containsExactly(traceId(1));
    assertThat(ids(project, "label=meh")).containsExactly(traceId(3));
    assertThat(ids(project, "passed=false&status=OK&evaluator=ana")).containsExactly(traceId(3));

    JsonNode first = api.get(list("sort_by=score&evaluator=judge&page_size=2"), project).json();
    assertThat(first.get("sort_by").asText()).isEqualTo("score");
    assertThat(first.get("total_count").asInt()).isEqualTo(3);
    assertThat(texts(first.get("traces"), "id")).containsExactly(traceId(2), traceId(3));
    JsonNode second =
        api.get(
                list(
                    "sort_by=score&evaluator=judge&page_size=2&cursor="
                        + first.get("next_cursor").asText()),
                project)
            .json();
    assertThat(texts(second.get("traces"), "id")).containsExactly(traceId(1));
    assertThat(second.get("next_cursor").isNull()).isTrue();
    assertThat(
            texts(
                api.get(list("sort_by=score&sort_order=asc&evaluator=judge"), project)
                    .json()
                    .get("traces"),
                "id"))
        .containsExactly(traceId(1), traceId(3), traceId(2));

    JsonNode set =
        api.send(
                "POST",
                "/api/v1/trace-sets",
                project,
                "{\"name\": \"failed\", \"filter\": {\"passed\": false, \"evaluator\": \"judge\"}}")
            .json();
    assertThat(set.get("trace_count").asInt()).isEqualTo(1);
    assertThat(set.get("filter").get("evaluator").toString()).isEqualTo("[\"judge\"]");
    assertThat(set.get("filter").get("passed").toString()).isEqualTo("[\"false\"]");
  }

  @Test
  void aQueueOfFailedEvaluationsCollectsTracesAsTheirScoresArrive() {
    String project = "scores-queue";
    Reply queue =
        api.send(
            "POST",
            "/api/v1/annotation-queues",
            project,
            "{\"name\": \"judge failed\", \"filter\": {\"evaluator\": \"judge\", \"passed\":"
                + " false, \"max_score\": 0.5}}");
    assertThat(queue.status()).as(queue.json().toString()).isEqualTo(201);
    String items = "/api/v1/annotation-queues/" + queue.json().get("id").asText() + "/items";
    String failing = complete(project, traceId(1), 0, "rule-1");
    String passing = complete(project, traceId(2), 1, "rule-1");

    score(
        project,
        1,
        "{\"evaluator\": \"judge\", \"trigger_id\": \""
            + failing
            + "\","
            + " \"passed\": false, \"value\": 0}");
    score(project, 1, "{\"evaluator\": \"judge\", \"passed\": false, \"value\": 0.1}");
    score(
        project,
        2,
        "{\"evaluator\": \"judge\", \"trigger_id\": \""
            + passing
            + "\","
            + " \"passed\": true, \"value\": 1}");

    JsonNode page = api.get(items, project).json();
    assertThat(page.get("items")).hasSize(1);
    assertThat(page.get("items").get(0).get("trace_id").asText()).isEqualTo(traceId(1));
    assertThat(page.get("items").get(0).get("trace").get("scores_failed").asInt()).isEqualTo(1);
  }

  @Test
  void malformedScoresAre400NamingTheField() {
    String project = "scores-bad";
    String trigger = complete(project, traceId(1), 0, "rule-1");
    complete(project, traceId(2), 0, "rule-1");

    assertBadRequest(score(project, 1, "{\"passed\": true}"), "evaluator", "evaluator is required");
    assertBadRequest(
        score(project, 1, "{\"evaluator\": \"j\", \"colour\": 1}"),
        "colour",
        "unknown field 'colour'; known fields: evaluator, evaluator_version, trigger_id, revision,"
            + " passed, value, label, reason, source, created_by");
    assertBadRequest(
        score(project, 1, "{\"evaluator\": \"j\", \"passed\": \"no\"}"),
        "passed",
        "passed must be true or false, got \"no\"");
    assertBadRequest(
        score(project, 1, "{\"evaluator\": \"j\", \"value\": \"0.5\"}"),
        "value",
        "value must be a number, got \"0.5\"");
    assertBadRequest(
        score(project, 1, "{\"evaluator\": \"j\", \"reason\": \"no verdict\"}"),
        "body",
        "a score needs at least one of passed, value and label; e.g. {\"evaluator\":"
            + " \"helpfulness-judge\", \"trigger_id\": \"...\", \"passed\": false, \"value\": 0.2,"
            + " \"label\": \"unhelpful\", \"reason\": \"did not answer\"}");
    assertBadRequest(
        score(project, 1, "{\"evaluator\": \"j\", \"passed\": true, \"source\": \"robot\"}"),
        "source",
        "source must be evaluation, annotation or custom, got 'robot'");
    assertBadRequest(
        score(project, 1, "{\"evaluator\": \"j\", \"passed\": true, \"source\": \"annotation\"}"),
        "created_by",
        "created_by is required with source annotation: the person who judged");
    assertBadRequest(
        score(project, 1, "{\"evaluator\": \"j\", \"passed\": true, \"revision\": -1}"),
        "revision",
        "revision must be a whole number between 0 and 2147483647, got -1");
    assertBadRequest(
        score(
            project,
            2,
            "{\"evaluator\": \"j\", \"passed\": true, \"trigger_id\": \"" + trigger + "\"}"),
        "trigger_id",
        "trigger_id '"
            + trigger
            + "' was not fired for trace "
            + traceId(2)
            + "; give a trigger_id of the trace's fired_triggers, or none");
    assertBadRequest(
        score(
            project,
            1,
            "{\"evaluator\": \"j\", \"passed\": true, \"revision\": 3,"
                + " \"trigger_id\": \""
                + trigger
                + "\"}"),
        "revision",
        "revision 3 is not the revision of trigger "
            + trigger
            + " (1); omit revision to take the trigger's");
    assertBadRequest(
        api.send(
            "POST",
            "/api/v1/traces/" + traceId(1) + "/scores?x=1",
            project,
            "{\"evaluator\": \"j\", \"passed\": true}"),
        "x",
        "unknown parameter 'x'; this endpoint takes no parameters");
    assertBadRequest(
        api.get(list("min_score=0.5"), project),
        "min_score",
        "min_score needs evaluator=<name>, the evaluator whose scores it bounds (evaluators score"
            + " on different scales)");
    assertBadRequest(
        api.get(list("sort_by=score&evaluator=a,b"), project),
        "sort_by",
        "sort_by=score needs exactly one evaluator=<name>, the evaluator whose latest score orders"
            + " the traces; got 2");
    assertBadRequest(
        api.get(list("passed=maybe"), project),
        "passed",
        "passed must be true or false, got 'maybe'");
    assertThat(trace(project, 1).get("scores")).isEmpty();
  }

  @Test
  void anUnknownTraceOrAnotherProjectsIs404() {
    complete("scores-mine", traceId(1), 0, null);
    String body = "{\"evaluator\": \"j\", \"passed\": true}";

    Reply theirs = score("scores-theirs", 1, body);
    Reply missing = score("scores-mine", 9, body);

    assertThat(theirs.status()).isEqualTo(404);
    assertThat(theirs.json().get("error").asText())
        .isEqualTo("trace " + traceId(1) + " not found in project scores-theirs");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(api.send("POST", "/api/v1/traces/nothex/scores", "scores-mine", body).status())
        .isEqualTo(400);
    assertThat(
            api.sendWithKey("POST", "/api/v1/traces/" + traceId(1) + "/scores", null, body)
                .status())
        .isEqualTo(401);
  }

  private static Reply score(String project, int trace, String body) {
    return api.send("POST", "/api/v1/traces/" + traceId(trace) + "/scores", project, body);
  }

  private static JsonNode trace(String project, int n) {
    return api.get("/api/v1/traces/" + traceId(n), project).json();
  }

  private static String list(String query) {
    return "/api/v1/traces?" + query;
  }

  private static List<String> ids(String project, String query) {
    Reply reply = api.get(list(query), project);
    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    return texts(reply.json().get("traces"), "id");
  }

  /**
   * Stores revision 1 of a trace starting at base + startMillis, firing a trigger of {@code ruleId}
   * (none when null); returns the trigger id.
   */
  private static String complete(String project, String traceId, long startMillis, String ruleId) {
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
    TraceRollup rollup = TraceRollups.compute(project, traceId, spans);
    CompletedTrace trace =
        CompletedTrace.newBuilder()
            .setProjectId(project)
            .setTraceId(traceId)
            .setRevision(1)
            .setCompletionReason(CompletionReason.QUIET)
            .setFirstArrivalEpochMillis(1_763_000_000_000L)
            .setLastArrivalEpochMillis(1_763_000_001_000L)
            .setCompletedEpochMillis(1_763_000_301_000L)
            .setRollup(rollup)
            .setSpans(spans)
            .build();
    String triggerId = ruleId == null ? null : ruleId + "-" + project + "-" + traceId;
    api.store()
        .writeCompleted(
            trace,
            stored ->
                triggerId == null
                    ? CompletionDecision.NONE
                    : new CompletionDecision(
                        List.of(
                            DecidedTrigger.now(
                                EvaluationTrigger.newBuilder()
                                    .setTriggerId(triggerId)
                                    .setRuleId(ruleId)
                                    .setProjectId(project)
                                    .setTraceId(traceId)
                                    .setRevision(1)
                                    .setFiredEpochMillis(1_763_000_302_000L)
                                    .setRollup(rollup)
                                    .setCompletedTopic("tracefold.traces.completed")
                                    .setCompletedPartition(0)
                                    .setCompletedOffset(0L)
                                    .setApiPath("/api/v1/traces/" + traceId)
                                    .build(),
                                RuleTurn.EVERY)),
                        List.of()));
    return triggerId;
  }

  private static void assertBadRequest(Reply reply, String parameter, String message) {
    assertThat(reply.status()).as(String.valueOf(reply.json())).isEqualTo(400);
    assertThat(reply.json().get("parameter").asText()).isEqualTo(parameter);
    assertThat(reply.json().get("error").asText()).isEqualTo(message);
  }

  private static String traceId(int n) {
    return String.format("%032x", n);
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> values = new ArrayList<>();
    array.forEach(item -> values.add(item.get(field).asText()));
    return values;
  }

  private static List<String> fieldNames(JsonNode json) {
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }
}

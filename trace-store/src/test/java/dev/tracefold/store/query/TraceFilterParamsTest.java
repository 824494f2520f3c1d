package dev.tracefold.store.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.store.trace.TraceState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceFilterParamsTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  @Test
  void noParametersSelectEverything() {
    assertThat(TraceFilterParams.parse(Map.of(), NOW)).isEqualTo(TraceFilter.ALL);
    assertThat(TraceFilter.ALL.isEmpty()).isTrue();
  }

  @Test
  void parsesEveryParameter() {
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.put("status", List.of("ok, Error"));
    params.put("state", List.of("COMPLETE"));
    params.put("name", List.of("agent run"));
    params.put("name_contains", List.of("agent"));
    params.put("trace_id", List.of("AA000000000000000000000000000001"));
    params.put("session_id", List.of("s1", "s2,s3"));
    params.put("user_id", List.of("u1"));
    params.put("tags", List.of("a,b"));
    params.put("tags_match", List.of("ANY"));
    params.put("models", List.of("gpt-4o"));
    params.put("providers", List.of("openai"));
    params.put("service_names", List.of("api"));
    params.put("source", List.of("native-json"));
    params.put("min_duration_nanos", List.of("10"));
    params.put("max_duration_nanos", List.of("20"));
    params.put("max_cost_microcents", List.of("0"));
    params.put("metadata.env", List.of("prod"));
    params.put("metadata.empty", List.of(""));
    params.put("from", List.of("2026-11-20T00:00:00+01:00"));
    params.put("to", List.of("2026-11-21T00:00:00.5Z"));
    params.put("search", List.of("refund"));

    TraceFilter filter = TraceFilterParams.parse(params, NOW);

    assertThat(filter.statuses()).containsExactlyInAnyOrder(SpanStatus.OK, SpanStatus.ERROR);
    assertThat(filter.states()).containsExactly(TraceState.COMPLETE);
    assertThat(filter.name()).isEqualTo("agent run");
    assertThat(filter.nameContains()).isEqualTo("agent");
    assertThat(filter.traceIds()).containsExactly("aa000000000000000000000000000001");
    assertThat(filter.sessionIds()).containsExactly("s1", "s2", "s3");
    assertThat(filter.userIds()).containsExactly("u1");
    assertThat(filter.tags()).containsExactly("a", "b");
    assertThat(filter.tagMatch()).isEqualTo(TagMatch.ANY);
    assertThat(filter.models()).containsExactly("gpt-4o");
    assertThat(filter.providers()).containsExactly("openai");
    assertThat(filter.serviceNames()).containsExactly("api");
    assertThat(filter.sources()).containsExactly("native-json");
    assertThat(filter.ranges())
        .isEqualTo(
            Map.of(
                RangeField.DURATION_NANOS, new LongRange(10L, 20L),
                RangeField.COST_MICROCENTS, new LongRange(null, 0L)));
    assertThat(filter.metadata()).containsExactly(Map.entry("empty", ""), Map.entry("env", "prod"));
    assertThat(filter.startFromEpochNanos())
        .isEqualTo(Instant.parse("2026-11-19T23:00:00Z").getEpochSecond() * 1_000_000_000L);
    assertThat(filter.startToEpochNanos())
        .isEqualTo(
            Instant.parse("2026-11-21T00:00:00Z").getEpochSecond() * 1_000_000_000L + 500_000_000L);
    assertThat(filter.search()).isEqualTo("refund");
  }

  @Test
  void timeRangeCountsBackFromNow() {
    TraceFilter filter = TraceFilterParams.parse(Map.of("time_range", List.of("7d")), NOW);

    assertThat(filter.startFromEpochNanos())
        .isEqualTo(Instant.parse("2026-11-14T12:00:00Z").getEpochSecond() * 1_000_000_000L);
    assertThat(filter.startToEpochNanos()).isNull();
    assertThat(
            TraceFilterParams.parse(Map.of("time_range", List.of("90m")), NOW)
                .startFromEpochNanos())
        .isEqualTo(Instant.parse("2026-11-21T10:30:00Z").getEpochSecond() * 1_000_000_000L);
  }

  @Test
  void rejectsATimeRangeReachingOutsideTheStorableTimes() {
    // found by fuzzing (TraceFilterFuzzTest): a listing's cursor carries the time it counts back
    // from, and an edited cursor can carry any; this was an ArithmeticException (500)
    for (String now : List.of("4252-01-01T00:00:00Z", "1677-09-22T00:00:00Z")) {
      assertThatThrownBy(
              () ->
                  TraceFilterParams.parse(Map.of("time_range", List.of("30d")), Instant.parse(now)))
          .isInstanceOfSatisfying(
              InvalidFilterException.class, e -> assertThat(e.parameter()).isEqualTo("time_range"))
          .hasMessage(
              "time_range 30d counted back from "
                  + now
                  + " is outside the times Tracefold stores (1677-09-21 to 2262-04-11)");
    }
  }

  @Test
  void rejectsMalformedParametersNamingThem() {
    assertRejected(
        Map.of("colour", List.of("red")),
        "colour",
        "unknown parameter 'colour'; the filters are "
            + String.join(", ", TraceFilterParams.PARAMETERS)
            + " and metadata.<key>");
    assertRejected(
        Map.of("status", List.of("FAILED")),
        "status",
        "status must be UNSET, OK or ERROR, got 'FAILED'");
    assertRejected(
        Map.of("state", List.of("done")),
        "state",
        "state must be in_progress or complete, got 'done'");
    assertRejected(
        Map.of("status", List.of("OK,")),
        "status",
        "status has an empty value in 'OK,'; give one or more values separated by commas");
    assertRejected(Map.of("name", List.of("")), "name", "name must not be empty");
    assertRejected(
        Map.of("name", List.of("a", "b")), "name", "name must be given once, got 2 values");
    assertRejected(
        Map.of("trace_id", List.of("xyz")),
        "trace_id",
        "trace_id must be 32 hex characters, got 'xyz'");
    assertRejected(
        Map.of("tags_match", List.of("some")),
        "tags_match",
        "tags_match must be all or any, got 'some'");
    assertRejected(
        Map.of("min_span_count", List.of("-1")),
        "min_span_count",
        "min_span_count must be a whole number >= 0, got '-1'");
    assertRejected(
        Map.of("max_ttft_nanos", List.of("1.5")),
        "max_ttft_nanos",
        "max_ttft_nanos must be a whole number >= 0, got '1.5'");
    assertRejected(
        Map.of("min_input_tokens", List.of("9"), "max_input_tokens", List.of("8")),
        "min_input_tokens",
        "min_input_tokens (9) must not exceed max_input_tokens (8)");
    assertRejected(
        Map.of("metadata.", List.of("x")),
        "metadata.",
        "metadata filters need a key: metadata.<key>=<value>");
    assertRejected(
        Map.of("time_range", List.of("2w")),
        "time_range",
        "time_range must be a number of minutes, hours or days such as 1h, 24h, 7d or 30d, got"
            + " '2w'");
    assertRejected(
        Map.of("time_range", List.of("1h"), "from", List.of("2026-11-21T00:00:00Z")),
        "time_range",
        "time_range cannot be combined with from or to; use time_range alone, or from and/or to");
    assertRejected(
        Map.of("from", List.of("yesterday")),
        "from",
        "from must be an RFC 3339 time such as 2026-11-21T09:30:00Z, got 'yesterday'");
    assertRejected(
        Map.of("to", List.of("2026-11-21")),
        "to",
        "to must be an RFC 3339 time such as 2026-11-21T09:30:00Z, got '2026-11-21'");
    assertRejected(
        Map.of("from", List.of("2026-11-21T00:00:00Z"), "to", List.of("2026-11-21T00:00:00Z")),
        "from",
        "from (2026-11-21T00:00:00Z) must be before to (2026-11-21T00:00:00Z)");
    assertRejected(
        Map.of("search", List.of("x".repeat(1001))),
        "search",
        "search is 1001 characters long; at most 1000 allowed");
    assertRejected(
        Map.of("models", List.of("m,".repeat(100) + "m")),
        "models",
        "models has 101 values; at most 100 allowed");
  }

  @Test
  void parsesScoreParameters() {
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.put("evaluator", List.of("judge,critic"));
    params.put("passed", List.of("FALSE"));
    params.put("min_score", List.of("-0.5"));
    params.put("max_score", List.of("1e2"));
    params.put("label", List.of("hallucination"));
    params.put("score_pending", List.of("true"));

    TraceFilter filter = TraceFilterParams.parse(params, NOW);

    assertThat(filter.evaluators()).containsExactly("critic", "judge");
    assertThat(filter.passed()).isFalse();
    assertThat(filter.scoreRange()).isEqualTo(new DoubleRange(-0.5, 100.0));
    assertThat(filter.labels()).containsExactly("hallucination");
    assertThat(filter.scorePending()).isTrue();
    assertThat(filter.hasScoreConditions()).isTrue();
    assertThat(TraceFilterParams.parse(Map.of("score_pending", List.of("false")), NOW))
        .satisfies(f -> assertThat(f.hasScoreConditions()).isTrue());
    assertThat(TraceFilterParams.parse(Map.of("status", List.of("OK")), NOW).hasScoreConditions())
        .isFalse();
    assertThat(TraceFilterParams.PARAMETERS)
        .containsSubsequence(
            "search", "evaluator", "passed", "min_score", "max_score", "label", "score_pending");
  }

  @Test
  void rejectsMalformedScoreParametersNamingThem() {
    assertRejected(
        Map.of("passed", List.of("yes")), "passed", "passed must be true or false, got 'yes'");
    assertRejected(
        Map.of("score_pending", List.of("1")),
        "score_pending",
        "score_pending must be true or false, got '1'");
    assertRejected(
        Map.of("evaluator", List.of("j"), "min_score", List.of("0x1p3")),
        "min_score",
        "min_score must be a finite number such as 0.5, got '0x1p3'");
    assertRejected(
        Map.of("evaluator", List.of("j"), "max_score", List.of("NaN")),
        "max_score",
        "max_score must be a finite number such as 0.5, got 'NaN'");
    assertRejected(
        Map.of("max_score", List.of("1")),
        "max_score",
        "max_score needs evaluator=<name>, the evaluator whose scores it bounds (evaluators score"
            + " on different scales)");
    assertRejected(
        Map.of("evaluator", List.of("j"), "min_score", List.of("2"), "max_score", List.of("1.5")),
        "min_score",
        "min_score (2.0) must not exceed max_score (1.5)");
    assertRejected(
        Map.of("label", List.of("a,,b")),
        "label",
        "label has an empty value in 'a,,b'; give one or more values separated by commas");
  }

  private static void assertRejected(
      Map<String, List<String>> params, String parameter, String message) {
    assertThatThrownBy(() -> TraceFilterParams.parse(params, NOW))
        .isInstanceOfSatisfying(
            InvalidFilterException.class, e -> assertThat(e.parameter()).isEqualTo(parameter))
        .hasMessage(message);
  }
}

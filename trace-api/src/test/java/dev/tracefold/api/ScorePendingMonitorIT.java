package dev.tracefold.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.store.evaluation.NewScore;
import dev.tracefold.store.evaluation.ScoreSource;
import dev.tracefold.store.trace.CompletionDecision;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ScorePendingMonitor} against a real PostgreSQL: the gauge counts triggers older than the
 * age that no score answers, of rules that scores answer; {@link ApiSettings} defaults and checks.
 */
class ScorePendingMonitorIT {
  private static final String PROJECT = "score-pending";
  private static final Instant FIRED = Instant.ofEpochMilli(1_763_000_302_000L);

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
  void countsTriggersOlderThanTheAgeThatNoScoreAnswers() {
    String answered = complete(1, "judged-rule");
    complete(2, "judged-rule");
    complete(3, "unjudged-rule");
    api.store()
        .scores()
        .write(
            PROJECT,
            traceId(1),
            new NewScore(
                "judge",
                null,
                answered,
                null,
                true,
                null,
                null,
                null,
                ScoreSource.EVALUATION,
                null));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ApiSettings settings = new ApiSettings(Duration.ofMinutes(10));

    ScorePendingMonitor tooEarly =
        new ScorePendingMonitor(api.store(), registry, settings, at(FIRED.plusSeconds(599)));
    assertThat(gauge(registry)).isNaN();
    assertThat(tooEarly.refresh()).isZero();
    assertThat(gauge(registry)).isZero();

    SimpleMeterRegistry later = new SimpleMeterRegistry();
    ScorePendingMonitor due =
        new ScorePendingMonitor(api.store(), later, settings, at(FIRED.plusSeconds(601)));
    assertThat(due.refresh()).isEqualTo(1);
    assertThat(gauge(later)).isEqualTo(1.0);

    ScorePendingMonitor dayLater =
        new ScorePendingMonitor(
            api.store(),
            new SimpleMeterRegistry(),
            settings,
            at(
                FIRED
                    .plus(Duration.ofMinutes(10))
                    .plus(ScorePendingMonitor.LOOKBACK)
                    .plusSeconds(1)));
    assertThat(dayLater.refresh()).as("beyond the lookback").isZero();
  }

  @Test
  void settingsDefaultToTenMinutesAndRefuseLessThanASecond() {
    assertThat(ApiSettings.from(ConfigFactory.load()).scorePendingAge())
        .isEqualTo(ApiSettings.DEFAULT_SCORE_PENDING_AGE)
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(
            ApiSettings.from(
                    ConfigFactory.parseMap(Map.of("tracefold.api.score-pending-age", "90s")))
                .scorePendingAge())
        .isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> new ApiSettings(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tracefold.api.score-pending-age must be at least 1s, was PT0.5S");
  }

  private static double gauge(SimpleMeterRegistry registry) {
    return registry.get("tracefold.scores.pending.triggers").gauge().value();
  }

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  /** Stores revision 1 of trace n firing a trigger of {@code ruleId} at {@link #FIRED}. */
  private static String complete(int n, String ruleId) {
    String traceId = traceId(n);
    List<Span> spans =
        List.of(
            Span.newBuilder()
                .setProjectId(PROJECT)
                .setTraceId(traceId)
                .setSpanId("0000000000000001")
                .setName("agent run")
                .setKind(SpanKind.AGENT)
                .setStartEpochNanos(1_763_000_000_000_000_000L)
                .setEndEpochNanos(1_763_000_000_050_000_000L)
                .setStatus(SpanStatus.OK)
                .setSource("native-json")
                .setIngestedEpochMillis(1_763_000_000_000L)
                .build());
    TraceRollup rollup = TraceRollups.compute(PROJECT, traceId, spans);
    String triggerId = ruleId + "-" + traceId;
    EvaluationTrigger trigger =
        EvaluationTrigger.newBuilder()
            .setTriggerId(triggerId)
            .setRuleId(ruleId)
            .setProjectId(PROJECT)
            .setTraceId(traceId)
            .setRevision(1)
            .setFiredEpochMillis(FIRED.toEpochMilli())
            .setRollup(rollup)
            .setCompletedTopic("tracefold.traces.completed")
            .setCompletedPartition(0)
            .setCompletedOffset(0L)
            .setApiPath("/api/v1/traces/" + traceId)
            .build();
    CompletedTrace trace =
        CompletedTrace.newBuilder()
            .setProjectId(PROJECT)
            .setTraceId(traceId)
            .setRevision(1)
            .setCompletionReason(CompletionReason.QUIET)
            .setFirstArrivalEpochMillis(1_763_000_000_000L)
            .setLastArrivalEpochMillis(1_763_000_001_000L)
            .setCompletedEpochMillis(1_763_000_301_000L)
            .setRollup(rollup)
            .setSpans(spans)
            .build();
    api.store().writeCompleted(trace, stored -> CompletionDecision.fire(List.of(trigger)));
    return triggerId;
  }

  private static String traceId(int n) {
    return String.format("%032x", n);
  }
}

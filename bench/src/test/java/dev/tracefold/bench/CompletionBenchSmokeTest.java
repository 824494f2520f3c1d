package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole benchmark in {@code --quick} mode, in this JVM, against a real in-process broker,
 * and checks that the figures are sane. Behaviour only: no assertion on how fast anything is.
 */
class CompletionBenchSmokeTest {
  @TempDir Path workDir;

  @Test
  void quickRunEmitsEveryTraceAndReportsEveryFigure() {
    BenchOptions options =
        BenchOptions.parse(
            List.of("--quick", "--fork=false", "--work-dir=" + workDir), new Properties());

    BenchReport report = CompletionBench.run(options);

    assertThat(report.results()).extracting(r -> r.scenario()).containsExactly(Scenario.values());
    assertThat(report.results())
        .allSatisfy(r -> assertThat(r.failure()).as(r.scenario().id).isNull());

    ScenarioResult throughput = report.result(Scenario.THROUGHPUT);
    assertThat(throughput.traces()).isEqualTo(options.throughputTraces());
    assertThat(throughput.spans())
        .isEqualTo((long) options.throughputTraces() * options.throughputSpansPerTrace());
    assertThat(throughput.tracesNotEmitted()).isZero();
    assertThat(throughput.spansPerSecond()).isPositive();
    assertThat(throughput.tracesPerSecond()).isPositive();
    assertThat(throughput.notes())
        .as("the stream threads' CPU per span is measured")
        .anySatisfy(
            note ->
                assertThat(note)
                    .containsPattern(
                        "CPU per span .*: [0-9.]*[1-9][0-9.]* µs on the stream threads"));

    ScenarioResult lag = report.result(Scenario.LAG);
    assertThat(lag.tracesNotEmitted()).isZero();
    assertThat(lag.spansPerSecond()).isPositive();
    assertThat(lag.bufferedTraces()).isPositive();
    assertThat(lag.emitLag())
        .as("Tracefold stamps completed records with their emit time")
        .isNotNull();
    assertSane(lag.emitLag());
    assertSane(lag.visibleLag());

    ScenarioResult memory = report.result(Scenario.MEMORY);
    assertThat(memory.bufferedTraces()).isEqualTo(options.memoryTraces());
    assertThat(memory.after().heapUsedBytes()).isPositive();
    assertThat(memory.after().rssBytes()).isNotZero();

    ScenarioResult baseline = report.result(Scenario.BASELINE_THROUGHPUT);
    assertThat(baseline.tracesNotEmitted()).isBetween(0L, baseline.traces());
    assertThat(baseline.spansPerSecond()).isPositive();
    ScenarioResult baselineLag = report.result(Scenario.BASELINE_LAG);
    assertThat(baselineLag.tracesNotEmitted()).isBetween(0L, baselineLag.traces());
    assertThat(report.result(Scenario.BASELINE_MEMORY).bufferedTraces())
        .isEqualTo(options.memoryTraces());

    assertThat(report.markdown())
        .contains("| throughput | Tracefold | 3,000 | 600 |")
        .contains("| baseline-lag | baseline |")
        .contains(ReportSections.BUILD_COMMAND)
        .contains("dev.tracefold.bench.CompletionBench --quick --fork=false")
        .contains("- cores: ");
  }

  private static void assertSane(LagSummary lag) {
    assertThat(lag.count()).isPositive();
    assertThat(lag.p50Millis()).isLessThanOrEqualTo(lag.p99Millis());
    assertThat(lag.p99Millis()).isLessThanOrEqualTo(lag.maxMillis());
  }
}

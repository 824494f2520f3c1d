package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link SinkBench} in {@code --quick} mode against the real rollup sink, an in-process broker
 * and an embedded PostgreSQL, and checks that the figures are sane (the benchmark itself checks the
 * store's contents after each phase). Behaviour only: no assertion on how fast anything is.
 */
class SinkBenchSmokeTest {
  @TempDir Path workDir;

  @Test
  void quickRunStoresEverySpanAndEveryCompletedTraceAndReportsRatesAndCpu() {
    SinkBenchOptions options =
        SinkBenchOptions.parse(List.of("--quick", "--work-dir=" + workDir), new Properties());

    SinkBenchReport report = SinkBench.run(options);

    assertThat(report.spans().items()).isEqualTo(options.spans());
    assertThat(report.spans().perSecond()).isPositive();
    assertThat(report.spans().writes()).isPositive();
    assertThat(report.completed().items()).isEqualTo(options.traces());
    assertThat(report.completed().perSecond()).isPositive();
    // PostgreSQL's processes were found (from postmaster.pid) and did the writing
    assertThat(report.spans().postgresCpuNanos()).isPositive();
    assertThat(report.spans().jvmCpuNanos()).isPositive();
    assertThat(report.markdown())
        .contains("| spans → `spans` + in-progress `traces` | ")
        .contains("| completed revisions → `complete` + trigger | ")
        .contains("CPU µs per item: this JVM / PostgreSQL")
        .contains("**Target (issue #11): ")
        .contains(ReportSections.BUILD_COMMAND)
        .contains("dev.tracefold.bench.SinkBench --quick --work-dir=")
        .contains("- cores: ");
  }
}

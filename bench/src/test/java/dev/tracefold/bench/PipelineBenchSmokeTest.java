package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link PipelineBench} in {@code --quick} mode (200 traces, quiet window 2 s) against the
 * whole standalone pipeline in a child JVM, and checks that the report has its figures and that no
 * acknowledged span was lost. Behaviour only: no assertion on how fast anything is, nor on the
 * revisions (splitting is what the benchmark measures).
 */
class PipelineBenchSmokeTest {
  @TempDir Path workDir;

  @Test
  void quickRunReportsEndToEndFiguresAndLosesNoSpan() {
    PipelineBenchOptions options =
        PipelineBenchOptions.parse(List.of("--quick", "--work-dir=" + workDir), new Properties());

    PipelineBenchReport report = PipelineBench.run(options);

    AgentLoad.Result load = report.load();
    assertThat(load.tracesStarted()).isEqualTo(options.traces());
    assertThat(load.spansAcked())
        .as("every span acknowledged")
        .isEqualTo((long) options.traces() * options.spansPerTrace());
    assertThat(load.spansFailed()).isZero();
    assertThat(report.ackedSpansPerSecond()).isPositive();

    PipelineBenchReport.Completion completion = report.completion();
    assertThat(completion.finalTraces()).as("every trace final").isEqualTo(options.traces());
    assertThat(
            completion.byRevisions()[0] + completion.byRevisions()[1] + completion.byRevisions()[2])
        .isEqualTo(options.traces());
    assertThat(completion.foreignRecords()).isZero();
    assertThat(report.endToEndSpansPerSecond()).isPositive();
    assertThat(report.ratio()).isPositive().isFinite();
    assertThat(completion.emitLag().count()).isEqualTo(options.traces());
    assertThat(completion.emitLag().p50Millis())
        .isLessThanOrEqualTo(completion.emitLag().p99Millis());

    assertThat(report.storedAllEpochMillis()).as("everything stored in PostgreSQL").isPositive();
    StoreAudit.Audit audit = report.audit();
    assertThat(audit.lostSpans()).as("spans lost").isZero();
    assertThat(audit.extraSpans()).isZero();
    assertThat(audit.storedSpans()).isEqualTo(load.spansAcked());
    assertThat(audit.completeTraces()).isEqualTo(options.traces());

    assertThat(report.samples()).isNotEmpty();
    assertThat(report.samples()).anySatisfy(s -> assertThat(s.jvmRssBytes()).isPositive());
    // a pipeline JVM that just started compiles (HotSpot on Linux: /proc names the threads)
    assertThat(report.samples()).anySatisfy(s -> assertThat(s.jitCpuNanos()).isPositive());
    assertThat(report.markdown())
        .contains("**acknowledged spans/s**")
        .contains("**end-to-end spans/s**")
        .contains("**revisions per trace**")
        .contains("| of which its JIT compiler threads (C1, C2) |")
        .contains("| **spans lost** (acknowledged, no row; summed per trace) | 0 (in 0 traces) |")
        .contains("-Dtracefold.completion.quiet-window=2000ms")
        .contains(ReportSections.BUILD_COMMAND)
        .contains("dev.tracefold.bench.PipelineBench --quick --work-dir=")
        .contains("- cores: ");
  }
}

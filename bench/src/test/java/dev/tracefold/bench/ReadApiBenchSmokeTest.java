package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link ReadApiBench} in {@code --quick} mode (5,000 traces) against an embedded PostgreSQL
 * and the real read API, and checks that the figures are sane and every query was answered 200.
 * Behaviour only: no assertion on how fast anything is. The loader itself checks that COPY-loaded
 * rows read back through the store as generated.
 */
class ReadApiBenchSmokeTest {
  @TempDir Path workDir;

  @Test
  void quickRunAnswersEveryQueryAndReportsOrderedPercentiles() {
    ReadApiBenchOptions options =
        ReadApiBenchOptions.parse(List.of("--quick", "--work-dir=" + workDir), new Properties());

    ReadApiBenchReport report = ReadApiBench.run(options);

    assertThat(report.loaded().traces()).isEqualTo(5_000);
    assertThat(report.loaded().detailTraceIds()).hasSize(options.detailTraces());
    assertThat(report.loaded().indexes()).as("secondary indexes re-created").isGreaterThan(10);
    assertThat(report.queries()).hasSize(15);
    assertThat(report.queries())
        .allSatisfy(
            q -> {
              ClosedLoop.Result result = q.result();
              assertThat(result.ok())
                  .as(q.query().name())
                  .isPositive()
                  .isEqualTo(result.requests());
              assertThat(result.failuresAll()).as(q.query().name() + " answered 200").isZero();
              assertThat(result.requestsPerSecond()).isPositive();
              double[] latency = result.latencyMillis();
              assertThat(latency[0]).isPositive();
              assertThat(latency).as(q.query().name() + " p50 <= p95 <= p99 <= max").isSorted();
            });
    assertThat(report.queries().get(1).rows())
        .as("status=ERROR matches some traces")
        .doesNotStartWith("0 of");
    assertThat(report.markdown())
        .contains("| filter: status=ERROR | `GET /api/v1/traces?page_size=50&status=ERROR` |")
        .contains(
            "| filter: state=in_progress | `GET /api/v1/traces?page_size=50&state=in_progress` |")
        .contains("| keyset paging: page 2 by cursor |")
        .contains(ReportSections.BUILD_COMMAND)
        .contains("dev.tracefold.bench.ReadApiBench --quick --work-dir=")
        .contains("- cores: ");
  }
}

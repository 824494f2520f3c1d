package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link GatewayBench} in {@code --quick} mode against the real gateway, an in-process broker
 * and an embedded PostgreSQL, and checks that the figures are sane. Behaviour only: no assertion on
 * how fast anything is.
 */
class GatewayBenchSmokeTest {
  @TempDir Path workDir;

  @Test
  void quickRunReportsThroughputRatioLatencyAndCpu() {
    GatewayBenchOptions options =
        GatewayBenchOptions.parse(List.of("--quick", "--work-dir=" + workDir), new Properties());

    GatewayBenchReport report = GatewayBench.run(options);

    assertThat(report.statusWithoutKey()).as("authentication is on").isEqualTo(401);
    ClosedLoop.Result gateway = report.gateway();
    assertThat(gateway.ok()).isPositive().isEqualTo(gateway.requests());
    assertThat(gateway.items()).isEqualTo(gateway.ok() * options.spansPerRequest());
    assertThat(report.gatewaySpansPerSecond()).isPositive();
    double[] latency = gateway.latencyMillis();
    assertThat(latency[0]).isPositive();
    assertThat(latency).isSorted();

    assertThat(report.raw().spans())
        .as("the raw producer sends as many spans")
        .isEqualTo(gateway.items());
    assertThat(report.raw().spansPerSecond()).isPositive();
    assertThat(report.ratio()).isPositive().isFinite();
    assertThat(report.spansOnTopic())
        .isGreaterThanOrEqualTo(gateway.items() + report.raw().spans());

    assertThat(report.gatewayCpu().processNanos()).isPositive();
    assertThat(report.gatewayCpu().of(GatewayBench.GATEWAY_THREADS)).isPositive();
    assertThat(report.markdown())
        .contains("| gateway: OTLP/HTTP protobuf → Kafka | ")
        .contains("| raw: KafkaProducer → Kafka | ")
        .contains("**gateway / raw: ")
        .contains(ReportSections.BUILD_COMMAND)
        .contains("dev.tracefold.bench.GatewayBench --quick --work-dir=")
        .contains("- cores: ");
  }
}

package dev.tracefold.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.service.MeterRegistries;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The gateway's meters as Prometheus shows them: the names and labels docs/metrics.md, the Grafana
 * dashboard and the alert rules use, each registered on its first use.
 */
class IngestMetricsTest {
  private final PrometheusMeterRegistry registry = MeterRegistries.newPrometheusRegistry();
  private final IngestMetrics metrics = new IngestMetrics(registry);

  @Test
  void oneMeterSetPerTransport() {
    TransportMetrics grpc = metrics.forTransport("otlp-grpc");

    assertThat(metrics.forTransport("otlp-grpc")).isSameAs(grpc);
    assertThat(metrics.forTransport("native-json")).isNotSameAs(grpc);
    assertThat(grpc.protocol()).isEqualTo("otlp-grpc");
  }

  @Test
  void nothingIsRegisteredBeforeItIsCounted() {
    metrics.forTransport("otlp-grpc");
    TransportMetrics json = metrics.forTransport("otlp-http-json");
    json.spansAccepted(0);
    json.spansRejected(RejectionReason.MISSING_NAME, 0);
    json.attributesLimited(0, 0);
    metrics.nativeTracesAccepted(0);

    assertThat(registry.scrape()).doesNotContain("tracefold_gateway");
  }

  @Test
  void metersHaveTheDocumentedNamesAndLabels() {
    TransportMetrics grpc = metrics.forTransport("otlp-grpc");
    grpc.requestAnswered(200);
    grpc.requestAnswered(200);
    grpc.requestAnswered(503);
    grpc.requestRateLimited();
    grpc.spansAccepted(3);
    grpc.spansRejected(RejectionReason.SPAN_TOO_LARGE, 2);
    grpc.ingestLatency(Duration.ofMillis(12));
    grpc.attributesLimited(4, 5);
    metrics.produceError(new java.util.concurrent.TimeoutException());
    metrics.nativeTracesAccepted(6);
    metrics.nativeTracesRejected(7);

    assertThat(registry.scrape())
        .contains("tracefold_gateway_requests_total{protocol=\"otlp-grpc\",status=\"200\"} 2.0")
        .contains("tracefold_gateway_requests_total{protocol=\"otlp-grpc\",status=\"503\"} 1.0")
        .contains("tracefold_gateway_rate_limited_total{protocol=\"otlp-grpc\"} 1.0")
        .contains("tracefold_gateway_spans_accepted_total{protocol=\"otlp-grpc\"} 3.0")
        .contains(
            "tracefold_gateway_spans_rejected_total{protocol=\"otlp-grpc\","
                + "reason=\"span_too_large\"} 2.0")
        .contains("tracefold_gateway_ingest_latency_seconds_count{protocol=\"otlp-grpc\"} 1")
        .contains("tracefold_gateway_ingest_latency_seconds_bucket{protocol=\"otlp-grpc\",le=")
        .contains(
            "tracefold_gateway_attributes_limited_total{action=\"dropped\",protocol=\"otlp-grpc\"}"
                + " 4.0")
        .contains(
            "tracefold_gateway_attributes_limited_total{action=\"truncated\","
                + "protocol=\"otlp-grpc\"} 5.0")
        .contains("tracefold_gateway_kafka_produce_errors_total{error=\"TimeoutException\"} 1.0")
        .contains("tracefold_gateway_native_traces_total{outcome=\"accepted\"} 6.0")
        .contains("tracefold_gateway_native_traces_total{outcome=\"rejected\"} 7.0");
  }
}

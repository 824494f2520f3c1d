package dev.tracefold.gateway.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;

/**
 * Meters of the ingest path. Prometheus names (Micrometer's rendering):
 *
 * <ul>
 *   <li>{@code tracefold_gateway_spans_accepted_total{protocol}}: spans Kafka acknowledged and the
 *       client was told were accepted;
 *   <li>{@code tracefold_gateway_spans_rejected_total{protocol,reason}}: spans not accepted, by
 *       {@link RejectionReason#label()} ({@code kafka_unavailable} counts every valid span of a
 *       request answered 503);
 *   <li>{@code tracefold_gateway_requests_total{protocol,status}}: ingest requests by HTTP status
 *       code;
 *   <li>{@code tracefold_gateway_ingest_latency_seconds{protocol}}: from handing a batch to {@link
 *       SpanIngester} until Kafka acknowledged it (or it failed), histogram;
 *   <li>{@code tracefold_gateway_kafka_produce_errors_total{error}}: failed sends by exception
 *       class ({@code TimeoutException} also counts produce timeouts);
 *   <li>{@code tracefold_gateway_rate_limited_total{protocol}}: requests refused because their
 *       project was over its rate limit (429 / {@code RESOURCE_EXHAUSTED});
 *   <li>{@code tracefold_gateway_attributes_limited_total{protocol,action}}: span and event
 *       attributes cut by {@link AttributeLimiter}: {@code action} = {@code dropped} (beyond the
 *       count limit) or {@code truncated} (value cut to the length limit);
 *   <li>{@code tracefold_gateway_native_traces_total{outcome}}: native traces ({@code POST
 *       /api/v1/traces}, uploads) {@code accepted} or {@code rejected} (invalid, or refused with
 *       their request).
 * </ul>
 *
 * <p>{@code protocol} is the span source: {@code otlp-http-protobuf}, {@code otlp-http-json},
 * {@code otlp-grpc}, {@code native-json}, or {@code unknown} for requests refused before their
 * format was known. Thread-safe.
 */
public final class IngestMetrics {
  private final MeterRegistry registry;

  /** Uses {@code registry} for every meter; meters are registered on first use. */
  public IngestMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Counts spans Kafka acknowledged. */
  public void accepted(String protocol, int spans) {
    if (spans > 0) {
      Counter.builder("tracefold.gateway.spans.accepted")
          .description("Spans acknowledged by Kafka and accepted")
          .tag("protocol", protocol)
          .register(registry)
          .increment(spans);
    }
  }

  /** Counts one rejected span. */
  public void rejected(String protocol, RejectionReason reason) {
    rejected(protocol, reason, 1);
  }

  /** Counts rejected spans. */
  public void rejected(String protocol, RejectionReason reason, int spans) {
    if (spans > 0) {
      Counter.builder("tracefold.gateway.spans.rejected")
          .description("Spans not accepted, by reason")
          .tag("protocol", protocol)
          .tag("reason", reason.label())
          .register(registry)
          .increment(spans);
    }
  }

  /** Counts one answered ingest request. */
  public void request(String protocol, int httpStatus) {
    Counter.builder("tracefold.gateway.requests")
        .description("Ingest requests by HTTP status")
        .tag("protocol", protocol)
        .tag("status", Integer.toString(httpStatus))
        .register(registry)
        .increment();
  }

  /** Records the time from handing a batch to the ingester until its outcome. */
  public void ingestLatency(String protocol, Duration latency) {
    Timer.builder("tracefold.gateway.ingest.latency")
        .description(
            "From handing a batch to the ingester until Kafka acknowledged it or it failed")
        .tag("protocol", protocol)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(latency);
  }

  /** Counts one failed Kafka send (or produce timeout), by error class. */
  public void produceError(Throwable error) {
    Counter.builder("tracefold.gateway.kafka.produce.errors")
        .description("Failed Kafka sends and produce timeouts, by error class")
        .tag("error", error.getClass().getSimpleName())
        .register(registry)
        .increment();
  }

  /** Counts one request refused because its project was over its rate limit. */
  public void rateLimited(String protocol) {
    Counter.builder("tracefold.gateway.rate.limited")
        .description("Ingest requests refused because their project was over its rate limit")
        .tag("protocol", protocol)
        .register(registry)
        .increment();
  }

  /**
   * Counts one request refused for its API key by a transport outside the HTTP servers' {@code
   * ApiKeyAuthService} (OTLP/gRPC): {@code tracefold_gateway_auth_failures_total{reason}}.
   */
  public void authFailure(String reason) {
    Counter.builder("tracefold.gateway.auth.failures")
        .description("Requests refused for a missing, malformed, unknown or unverifiable API key")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** Counts attributes {@link AttributeLimiter} dropped and values it truncated. */
  public void attributesLimited(String protocol, long dropped, long truncated) {
    limited(protocol, "dropped", dropped);
    limited(protocol, "truncated", truncated);
  }

  private void limited(String protocol, String action, long count) {
    if (count > 0) {
      Counter.builder("tracefold.gateway.attributes.limited")
          .description("Span and event attributes dropped or truncated by the attribute limits")
          .tag("protocol", protocol)
          .tag("action", action)
          .register(registry)
          .increment(count);
    }
  }

  /** Counts native traces by outcome: {@code accepted} or {@code rejected}. */
  public void nativeTraces(String outcome, int traces) {
    if (traces > 0) {
      Counter.builder("tracefold.gateway.native.traces")
          .description("Native traces accepted or rejected")
          .tag("outcome", outcome)
          .register(registry)
          .increment(traces);
    }
  }
}

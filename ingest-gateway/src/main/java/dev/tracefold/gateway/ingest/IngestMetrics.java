package dev.tracefold.gateway.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meters of the ingest path, on one registry; a gateway builds one. Prometheus names (Micrometer's
 * rendering):
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
 * <p>The meters labelled {@code protocol} belong to one transport's {@link TransportMetrics}
 * ({@link #forTransport}); the others are counted here. {@code protocol} is the span source: {@code
 * otlp-http-protobuf}, {@code otlp-http-json}, {@code otlp-grpc}, {@code native-json}, or {@code
 * unknown} for requests refused before their format was known. Every meter is registered on first
 * use, so a series exists once the first event it counts happened. Thread-safe.
 */
public final class IngestMetrics {
  /** The {@code protocol} of requests refused before their format was known. */
  public static final String UNKNOWN_PROTOCOL = "unknown";

  private final MeterRegistry registry;
  private final Map<String, TransportMetrics> transports = new ConcurrentHashMap<>();

  /** Uses {@code registry} for every meter; meters are registered on first use. */
  public IngestMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * The meter set of one transport: created on the first call for {@code protocol}, the same
   * instance afterwards.
   *
   * @param protocol the {@code protocol} label, from a small fixed set (see the class comment)
   */
  public TransportMetrics forTransport(String protocol) {
    Objects.requireNonNull(protocol, "protocol");
    return transports.computeIfAbsent(protocol, p -> new TransportMetrics(registry, p));
  }

  /** Counts one failed Kafka send (or produce timeout), by error class. */
  void produceError(Throwable error) {
    Counter.builder("tracefold.gateway.kafka.produce.errors")
        .description("Failed Kafka sends and produce timeouts, by error class")
        .tag("error", error.getClass().getSimpleName())
        .register(registry)
        .increment();
  }

  /** Counts native traces stored. */
  public void nativeTracesAccepted(int traces) {
    nativeTraces("accepted", traces);
  }

  /** Counts native traces not stored: invalid, or refused with their request. */
  public void nativeTracesRejected(int traces) {
    nativeTraces("rejected", traces);
  }

  private void nativeTraces(String outcome, int traces) {
    if (traces > 0) {
      Counter.builder("tracefold.gateway.native.traces")
          .description("Native traces accepted or rejected")
          .tag("outcome", outcome)
          .register(registry)
          .increment(traces);
    }
  }
}

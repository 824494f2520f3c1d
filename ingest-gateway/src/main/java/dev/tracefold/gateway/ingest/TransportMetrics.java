package dev.tracefold.gateway.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The meters of one transport protocol, all labelled {@code protocol} = {@link #protocol()} (see
 * {@link IngestMetrics} for their Prometheus names). Obtained once per protocol from {@link
 * IngestMetrics#forTransport}. Each meter is registered with the registry on its first use and
 * kept, so counting costs a map lookup. Thread-safe.
 */
public final class TransportMetrics {
  private final MeterRegistry registry;
  private final String protocol;
  private final Map<String, Meter> meters = new ConcurrentHashMap<>();

  TransportMetrics(MeterRegistry registry, String protocol) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.protocol = Objects.requireNonNull(protocol, "protocol");
  }

  /** The {@code protocol} label of these meters, e.g. {@code otlp-grpc}. */
  public String protocol() {
    return protocol;
  }

  /**
   * Counts one answered ingest request: {@code tracefold_gateway_requests_total{protocol,status}}.
   *
   * @param httpStatus the HTTP status of the answer (for gRPC, the status the same outcome gets
   *     over OTLP/HTTP)
   */
  public void requestAnswered(int httpStatus) {
    String status = Integer.toString(httpStatus);
    counter(
            "requests/" + status,
            () ->
                Counter.builder("tracefold.gateway.requests")
                    .description("Ingest requests by HTTP status")
                    .tag("status", status))
        .increment();
  }

  /** Counts one request refused because its project was over its rate limit. */
  public void requestRateLimited() {
    counter(
            "rate-limited",
            () ->
                Counter.builder("tracefold.gateway.rate.limited")
                    .description(
                        "Ingest requests refused because their project was over its rate limit"))
        .increment();
  }

  /** Counts spans Kafka acknowledged; nothing when {@code spans} is 0. */
  void spansAccepted(int spans) {
    if (spans > 0) {
      counter(
              "accepted",
              () ->
                  Counter.builder("tracefold.gateway.spans.accepted")
                      .description("Spans acknowledged by Kafka and accepted"))
          .increment(spans);
    }
  }

  /** Counts spans not accepted for one reason; nothing when {@code spans} is 0. */
  void spansRejected(RejectionReason reason, int spans) {
    if (spans > 0) {
      counter(
              "rejected/" + reason.label(),
              () ->
                  Counter.builder("tracefold.gateway.spans.rejected")
                      .description("Spans not accepted, by reason")
                      .tag("reason", reason.label()))
          .increment(spans);
    }
  }

  /** Records the time from handing a batch to {@link SpanIngester} until its outcome. */
  void ingestLatency(Duration latency) {
    Timer timer =
        (Timer)
            meters.computeIfAbsent(
                "latency",
                key ->
                    Timer.builder("tracefold.gateway.ingest.latency")
                        .description(
                            "From handing a batch to the ingester until Kafka acknowledged it or"
                                + " it failed")
                        .tag("protocol", protocol)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry));
    timer.record(latency);
  }

  /** Counts attributes {@link AttributeLimiter} dropped and values it truncated. */
  void attributesLimited(long dropped, long truncated) {
    limited("dropped", dropped);
    limited("truncated", truncated);
  }

  private void limited(String action, long count) {
    if (count > 0) {
      counter(
              "limited/" + action,
              () ->
                  Counter.builder("tracefold.gateway.attributes.limited")
                      .description(
                          "Span and event attributes dropped or truncated by the attribute limits")
                      .tag("action", action))
          .increment(count);
    }
  }

  private Counter counter(String key, Supplier<Counter.Builder> builder) {
    return (Counter)
        meters.computeIfAbsent(
            key, k -> builder.get().tag("protocol", protocol).register(registry));
  }
}

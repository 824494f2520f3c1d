package dev.tracefold.auth;

import dev.tracefold.auth.AuthOutcome.Failure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Counts requests refused for their API key: {@code tracefold_gateway_auth_failures_total{reason}}
 * with {@code reason} = {@link Failure#label()} ({@code missing}, {@code malformed}, {@code
 * invalid}, {@code unavailable}). Shared by {@link ApiKeyAuthService} and the OTLP/gRPC key check;
 * ingest-gateway and trace-api both count under this name (kept from when the gateway served the
 * read API too; the process is the {@code instance} label). A reason's counter is registered on its
 * first refusal. Thread-safe.
 */
public final class AuthMetrics {
  private final MeterRegistry registry;
  private final Map<Failure, Counter> counters = new EnumMap<>(Failure.class);

  /** Counts on {@code registry}. */
  public AuthMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Counts one refused request. */
  public void refused(Failure failure) {
    Counter counter;
    synchronized (counters) {
      counter =
          counters.computeIfAbsent(
              failure,
              f ->
                  Counter.builder("tracefold.gateway.auth.failures")
                      .description(
                          "Requests refused for a missing, malformed, unknown or unverifiable API"
                              + " key")
                      .tag("reason", f.label())
                      .register(registry));
    }
    counter.increment();
  }
}

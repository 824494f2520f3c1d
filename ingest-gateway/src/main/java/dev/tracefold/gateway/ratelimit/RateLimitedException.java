package dev.tracefold.gateway.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * A project is over its ingest rate. The {@code IngestPipeline} refuses the request with HTTP 429
 * and {@code Retry-After:} {@link #retryAfterSeconds()} (gRPC: {@code RESOURCE_EXHAUSTED}); nothing
 * of the request was produced.
 */
public final class RateLimitedException extends RuntimeException {
  private final Duration retryAfter;

  /**
   * @param message what was exceeded and when to retry
   * @param retryAfter how long until the request would be admitted
   */
  public RateLimitedException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /** How long until the request would be admitted. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** {@link #retryAfter()} in whole seconds, rounded up, at least 1: the {@code Retry-After}. */
  public long retryAfterSeconds() {
    return ProjectRateLimiter.retryAfterSeconds(retryAfter);
  }
}

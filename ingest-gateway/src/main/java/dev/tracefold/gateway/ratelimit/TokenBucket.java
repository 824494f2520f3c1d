package dev.tracefold.gateway.ratelimit;

/**
 * A token bucket: holds up to {@code capacity} tokens, refilled continuously at {@code
 * ratePerSecond} from a monotonic nanosecond clock the caller passes in. A request of {@code n}
 * tokens is admitted when the bucket holds {@code min(n, capacity)} tokens, and then takes all
 * {@code n}: a request larger than the capacity is admitted when the bucket is full and leaves it
 * in debt, so later requests wait until the debt is repaid. Not thread-safe: {@link
 * ProjectRateLimiter} guards it.
 */
final class TokenBucket {
  private static final double NANOS_PER_SECOND = 1e9;

  private final double ratePerSecond;
  private final double capacity;
  private double tokens;
  private long refilledAtNanos;

  /**
   * A full bucket.
   *
   * @param ratePerSecond tokens added per second; positive
   * @param capacity most tokens held; positive
   * @param nowNanos the clock's current reading
   */
  TokenBucket(double ratePerSecond, double capacity, long nowNanos) {
    if (!(ratePerSecond > 0) || !(capacity > 0)) {
      throw new IllegalArgumentException(
          "rate and capacity must be positive, were " + ratePerSecond + " and " + capacity);
    }
    this.ratePerSecond = ratePerSecond;
    this.capacity = capacity;
    this.tokens = capacity;
    this.refilledAtNanos = nowNanos;
  }

  /** Adds the tokens earned since the last call (up to the capacity). */
  void refill(long nowNanos) {
    long elapsed = nowNanos - refilledAtNanos;
    if (elapsed > 0) {
      // multiply before dividing: exact for whole rates and elapsed times
      tokens = Math.min(capacity, tokens + (double) elapsed * ratePerSecond / NANOS_PER_SECOND);
      refilledAtNanos = nowNanos;
    }
  }

  /**
   * Nanoseconds until a request of {@code amount} tokens would be admitted, as of the last {@link
   * #refill}; 0 if it would be admitted now.
   */
  long nanosUntilAdmitted(long amount) {
    double needed = Math.min(amount, capacity) - tokens;
    return needed <= 0 ? 0 : (long) Math.ceil(needed * NANOS_PER_SECOND / ratePerSecond);
  }

  /** Takes {@code amount} tokens; the bucket may go negative (debt). */
  void take(long amount) {
    tokens -= amount;
  }

  /** Tokens held as of the last {@link #refill}; negative while in debt. */
  double tokens() {
    return tokens;
  }
}

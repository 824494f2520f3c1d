package dev.tracefold.gateway.ratelimit;

/**
 * The ingest rate one project may use. Immutable.
 *
 * @param spansPerSecond spans per second, sustained; 0 = unlimited
 * @param bytesPerSecond request bytes (after decompression) per second, sustained; 0 = unlimited
 */
public record RateLimit(long spansPerSecond, long bytesPerSecond) {
  /** No limit at all. */
  public static final RateLimit UNLIMITED = new RateLimit(0, 0);

  /**
   * @throws IllegalArgumentException if a rate is negative
   */
  public RateLimit {
    if (spansPerSecond < 0 || bytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "rate limits must be >= 0 (0 = unlimited), were "
              + spansPerSecond
              + " spans/s and "
              + bytesPerSecond
              + " bytes/s");
    }
  }

  /** Human-readable form used in 429 messages, e.g. {@code 1000 spans/s and 1048576 bytes/s}. */
  String describe() {
    String spans = spansPerSecond == 0 ? "unlimited spans/s" : spansPerSecond + " spans/s";
    String bytes = bytesPerSecond == 0 ? "unlimited bytes/s" : bytesPerSecond + " bytes/s";
    return spans + " and " + bytes;
  }
}

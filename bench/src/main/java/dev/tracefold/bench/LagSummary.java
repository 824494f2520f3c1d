package dev.tracefold.bench;

/**
 * Percentiles of a set of completion-lag samples, nearest-rank method. Immutable.
 *
 * @param count samples
 * @param p50Millis median, ms
 * @param p99Millis 99th percentile, ms
 * @param maxMillis largest sample, ms
 */
record LagSummary(long count, long p50Millis, long p99Millis, long maxMillis) {
  /** "p50 / p99 / max" in ms, or "n/a" without samples. */
  String format() {
    return count == 0 ? "n/a" : p50Millis + " / " + p99Millis + " / " + maxMillis;
  }
}

package dev.tracefold.bench;

import java.util.Arrays;

/**
 * Collects latency samples in a growing {@code long[]} and sorts a copy for exact (nearest-rank)
 * percentiles. The unit is the caller's: ms for completion lag, µs for request latency.
 * HdrHistogram would do in bounded memory, but it is only a runtime dependency of the broker here,
 * and a benchmark run holds at most a few million samples. Thread-safe.
 */
final class LatencySamples {
  private long[] samples = new long[1024];
  private int size;

  /** Adds one sample (negative values are kept: they reveal clock or definition problems). */
  synchronized void add(long value) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = value;
  }

  /** Samples so far. */
  synchronized int count() {
    return size;
  }

  /**
   * Nearest-rank percentiles of the samples so far.
   *
   * @param quantiles each in (0, 1], e.g. 0.95
   * @return one value per quantile, in the samples' unit; zeros without samples
   */
  synchronized long[] percentiles(double... quantiles) {
    long[] values = new long[quantiles.length];
    if (size == 0) {
      return values;
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    for (int i = 0; i < quantiles.length; i++) {
      values[i] = rank(sorted, quantiles[i]);
    }
    return values;
  }

  /** Nearest-rank p50, p99 and max of the samples so far. */
  synchronized LagSummary summary() {
    if (size == 0) {
      return new LagSummary(0, 0, 0, 0);
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    return new LagSummary(size, rank(sorted, 0.50), rank(sorted, 0.99), sorted[size - 1]);
  }

  private static long rank(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}

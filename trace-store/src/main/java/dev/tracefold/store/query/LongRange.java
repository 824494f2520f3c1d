package dev.tracefold.store.query;

/**
 * An inclusive range of whole numbers, open on a side whose bound is null. Immutable.
 *
 * @param min smallest value in the range, or null for no lower bound
 * @param max largest value in the range, or null for no upper bound
 */
public record LongRange(Long min, Long max) {
  /**
   * @throws IllegalArgumentException if both bounds are given and {@code min > max}
   */
  public LongRange {
    if (min != null && max != null && min > max) {
      throw new IllegalArgumentException("min " + min + " exceeds max " + max);
    }
  }

  /** True when neither bound is set (the range holds every value, but not null). */
  public boolean isUnbounded() {
    return min == null && max == null;
  }

  /** True when {@code value} is non-null and within both bounds that are set. */
  public boolean contains(Long value) {
    return value != null && (min == null || value >= min) && (max == null || value <= max);
  }
}

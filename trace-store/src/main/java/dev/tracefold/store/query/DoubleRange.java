package dev.tracefold.store.query;

/**
 * An inclusive range of finite numbers, open on a side whose bound is null: the score value bounds
 * of a {@link TraceFilter} ({@code min_score}, {@code max_score}). Immutable.
 *
 * @param min smallest value in the range, or null for no lower bound
 * @param max largest value in the range, or null for no upper bound
 */
public record DoubleRange(Double min, Double max) {
  /**
   * @throws IllegalArgumentException if a bound is not finite, or both are given and {@code min >
   *     max}
   */
  public DoubleRange {
    if ((min != null && !Double.isFinite(min)) || (max != null && !Double.isFinite(max))) {
      throw new IllegalArgumentException("bounds must be finite, got " + min + " and " + max);
    }
    if (min != null && max != null && min > max) {
      throw new IllegalArgumentException("min " + min + " exceeds max " + max);
    }
  }

  /** True when neither bound is set (the range holds every value, but not null). */
  public boolean isUnbounded() {
    return min == null && max == null;
  }

  /** True when {@code value} is non-null and within both bounds that are set. */
  public boolean contains(Double value) {
    return value != null && (min == null || value >= min) && (max == null || value <= max);
  }
}

package dev.tracefold.store.query;

import dev.tracefold.store.evaluation.TraceScore;
import dev.tracefold.store.trace.StoredTrace;
import java.util.Objects;

/**
 * One page of a filtered, sorted trace listing: either by page number (offset paging) or after a
 * {@link KeysetPosition} (keyset paging, stable and equally fast at any depth). Immutable.
 *
 * @param filter which traces
 * @param sort in which order
 * @param page 1-based page number for offset paging; 1 when {@code after} is set
 * @param pageSize traces per page, 1 to {@link #MAX_PAGE_SIZE}
 * @param after keyset position to continue from, or null for offset paging
 */
public record TraceQuery(
    TraceFilter filter, TraceSort sort, int page, int pageSize, KeysetPosition after) {
  /** Largest page size. */
  public static final int MAX_PAGE_SIZE = 1000;

  /**
   * @throws IllegalArgumentException if {@code page < 1}, {@code pageSize} is out of range, {@code
   *     after} is set with a page other than 1, or the sort is by {@link TraceSort.Field#SCORE} and
   *     the filter does not name exactly one evaluator
   */
  public TraceQuery {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(sort, "sort");
    checkPage(page, pageSize);
    if (after != null && page != 1) {
      throw new IllegalArgumentException("page must be 1 when paging after a position");
    }
    if (sort.field() == TraceSort.Field.SCORE && filter.evaluators().size() != 1) {
      throw new IllegalArgumentException(
          "sorting by score needs a filter with exactly one evaluator, had " + filter.evaluators());
    }
  }

  /**
   * The evaluator whose latest score orders a listing sorted by {@link TraceSort.Field#SCORE}: the
   * filter's only evaluator; null for other sorts.
   */
  public String scoreEvaluator() {
    return sort.field() == TraceSort.Field.SCORE ? filter.evaluators().iterator().next() : null;
  }

  /** The position a page ending with {@code trace} continues from, in this query's order. */
  public KeysetPosition positionOf(StoredTrace trace) {
    if (sort.field() != TraceSort.Field.SCORE) {
      return sort.positionOf(trace);
    }
    TraceScore score = trace.scores().latest().get(scoreEvaluator());
    return new KeysetPosition(
        TraceSort.scoreSortKey(score == null ? null : score.value()), trace.rollup().getTraceId());
  }

  /**
   * Checks a page number and size, for this and other paged store listings.
   *
   * @throws IllegalArgumentException if {@code page < 1} or {@code pageSize} is not between 1 and
   *     {@link #MAX_PAGE_SIZE}
   */
  public static void checkPage(int page, int pageSize) {
    if (page < 1) {
      throw new IllegalArgumentException("page must be >= 1, was " + page);
    }
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "pageSize must be between 1 and " + MAX_PAGE_SIZE + ", was " + pageSize);
    }
  }

  /** Page {@code page} (1-based) of {@code pageSize} traces. */
  public static TraceQuery page(TraceFilter filter, TraceSort sort, int page, int pageSize) {
    return new TraceQuery(filter, sort, page, pageSize, null);
  }

  /** The {@code pageSize} traces that follow {@code after} in this order. */
  public static TraceQuery after(
      TraceFilter filter, TraceSort sort, KeysetPosition after, int pageSize) {
    return new TraceQuery(filter, sort, 1, pageSize, Objects.requireNonNull(after, "after"));
  }
}

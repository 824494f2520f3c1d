package dev.tracefold.store.query;

import java.util.Objects;

/**
 * Where a page of a sorted listing ended: the sort key and trace id of its last trace. The next
 * page holds the traces after it in the listing's order. Immutable.
 *
 * @param sortKey the last trace's value of the sort field ({@link TraceSort.Field#keyOf})
 * @param traceId the last trace's id (the tie-breaker)
 */
public record KeysetPosition(long sortKey, String traceId) {
  public KeysetPosition {
    Objects.requireNonNull(traceId, "traceId");
  }
}

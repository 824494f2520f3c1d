package dev.tracefold.store.trace;

import dev.tracefold.store.TraceStore;
import dev.tracefold.store.query.KeysetPosition;
import java.util.List;

/**
 * One page of a project's filtered, sorted traces. Immutable.
 *
 * @param traces the traces on this page, in the listing's order; their spans and fired trigger ids
 *     are empty
 * @param totalCount how many traces match the filter, counted up to {@link TraceStore#COUNT_LIMIT}
 * @param totalCountCapped true when more than {@link TraceStore#COUNT_LIMIT} traces match ({@code
 *     totalCount} is then the limit)
 * @param next where the next page starts (the position of this page's last trace), or null when no
 *     trace follows this page
 */
public record TracePage(
    List<StoredTrace> traces, long totalCount, boolean totalCountCapped, KeysetPosition next) {
  public TracePage {
    traces = List.copyOf(traces);
  }
}

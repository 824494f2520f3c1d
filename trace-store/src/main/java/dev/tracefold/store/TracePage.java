package dev.tracefold.store;

import java.util.List;

/**
 * One page of a project's traces. Immutable.
 *
 * @param traces the traces on this page, newest start first (then by trace id); their spans and
 *     fired trigger ids are empty
 * @param totalCount how many traces the project has in all
 */
public record TracePage(List<StoredTrace> traces, long totalCount) {
  public TracePage {
    traces = List.copyOf(traces);
  }
}

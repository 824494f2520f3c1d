package dev.tracefold.store.session;

import dev.tracefold.store.trace.StoredTrace;
import java.util.List;
import java.util.Objects;

/**
 * One session: its totals, and one page of its traces in start order. Immutable.
 *
 * @param summary totals over all the session's traces
 * @param traces the requested page of its traces (without spans), oldest start first
 */
public record SessionTraces(SessionSummary summary, List<StoredTrace> traces) {
  public SessionTraces {
    Objects.requireNonNull(summary, "summary");
    traces = List.copyOf(traces);
  }
}

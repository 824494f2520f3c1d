package dev.tracefold.store.set;

import dev.tracefold.store.trace.StoredTrace;
import java.util.List;
import java.util.Objects;

/**
 * A trace set with one page of its members, in the set's order. Immutable.
 *
 * @param set the set
 * @param traceIds the member ids on this page, in the set's order
 * @param traces the members on this page that are still stored (without spans), in the set's order
 * @param missingTraceIds the member ids on this page whose trace was deleted since
 */
public record TraceSetMembers(
    TraceSet set, List<String> traceIds, List<StoredTrace> traces, List<String> missingTraceIds) {
  public TraceSetMembers {
    Objects.requireNonNull(set, "set");
    traceIds = List.copyOf(traceIds);
    traces = List.copyOf(traces);
    missingTraceIds = List.copyOf(missingTraceIds);
  }
}

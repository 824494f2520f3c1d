package dev.tracefold.store.set;

import java.util.List;

/** Trace ids were given that the project has no trace for. Nothing was stored. */
public final class UnknownTracesException extends IllegalArgumentException {
  private final List<String> traceIds;

  UnknownTracesException(String projectId, List<String> traceIds) {
    super(
        traceIds.size()
            + (traceIds.size() == 1 ? " trace id is not a trace" : " trace ids are not traces")
            + " of project "
            + projectId
            + ": "
            + String.join(", ", traceIds.subList(0, Math.min(10, traceIds.size())))
            + (traceIds.size() > 10 ? ", ..." : ""));
    this.traceIds = List.copyOf(traceIds);
  }

  /** The unknown ids, in the order given. */
  public List<String> traceIds() {
    return traceIds;
  }
}

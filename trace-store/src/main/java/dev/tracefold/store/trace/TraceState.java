package dev.tracefold.store.trace;

/**
 * Lifecycle state of a stored trace, as the {@code traces.state} column and the read API spell it.
 */
public enum TraceState {
  /** Spans are arriving, or a late span reopened a completed trace: the rollup may still change. */
  IN_PROGRESS("in_progress"),
  /** A completed revision is stored and no span has arrived since. */
  COMPLETE("complete");

  private final String wireName;

  TraceState(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in the database and the API: {@code in_progress} or {@code complete}. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire name.
   *
   * @throws IllegalArgumentException if {@code wireName} is neither {@code in_progress} nor {@code
   *     complete}
   */
  public static TraceState fromWireName(String wireName) {
    for (TraceState state : values()) {
      if (state.wireName.equals(wireName)) {
        return state;
      }
    }
    throw new IllegalArgumentException(
        "Unknown trace state '" + wireName + "'; expected in_progress or complete");
  }
}

package dev.tracefold.store.query;

/** How a tag filter with several tags matches a trace's tags. */
public enum TagMatch {
  /** The trace has every listed tag (the default). */
  ALL,
  /** The trace has at least one listed tag. */
  ANY;

  /** The API spelling: {@code all} or {@code any}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

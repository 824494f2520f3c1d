package dev.tracefold.store.evaluation;

import java.util.Locale;

/** Where a score comes from. */
public enum ScoreSource {
  /** An automated evaluator (typically answering an evaluation trigger). */
  EVALUATION,
  /** A person, from the console or through the API. */
  ANNOTATION,
  /** Anything else: an import, a user feedback widget, a batch job. */
  CUSTOM;

  /**
   * The name in the API and the database: {@code evaluation}, {@code annotation}, {@code custom}.
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The source of a wire name.
   *
   * @throws IllegalArgumentException if {@code wireName} is not {@code evaluation}, {@code
   *     annotation} or {@code custom}
   */
  public static ScoreSource fromWireName(String wireName) {
    for (ScoreSource source : values()) {
      if (source.wireName().equals(wireName)) {
        return source;
      }
    }
    throw new IllegalArgumentException(
        "Unknown score source '" + wireName + "'; expected evaluation, annotation or custom");
  }
}

package dev.tracefold.store.trace;

import java.util.Objects;

/**
 * A note a person (or an evaluator) left on a trace. Immutable.
 *
 * @param id unique and increasing in creation order
 * @param text the note
 * @param author who wrote it (free text: a user name, an evaluator id)
 * @param score an optional numeric judgement, e.g. 0.8; null when none
 * @param label an optional category, e.g. {@code hallucination}; null when none
 * @param createdEpochMillis when it was stored, milliseconds since the Unix epoch (database clock)
 */
public record TraceAnnotation(
    long id, String text, String author, Double score, String label, long createdEpochMillis) {
  public TraceAnnotation {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(author, "author");
  }
}

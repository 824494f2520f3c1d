package dev.tracefold.store.evaluation;

import java.util.Objects;

/**
 * A score cannot be stored as given (its trigger was not fired for the trace, or its revision is
 * not the trigger's). Nothing was stored.
 */
public final class InvalidScoreException extends IllegalArgumentException {
  private final String field;

  InvalidScoreException(String field, String message) {
    super(message);
    this.field = Objects.requireNonNull(field, "field");
  }

  /** The field at fault, in the API's spelling ({@code trigger_id}, {@code revision}). */
  public String field() {
    return field;
  }
}

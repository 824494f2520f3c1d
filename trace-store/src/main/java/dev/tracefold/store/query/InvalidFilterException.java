package dev.tracefold.store.query;

import java.util.Objects;

/**
 * A filter or listing parameter is unknown or malformed. The message says what was wrong and what
 * is accepted, in terms of the parameter as the user spelled it.
 */
public final class InvalidFilterException extends IllegalArgumentException {
  private final String parameter;

  /**
   * @param parameter the offending parameter, e.g. {@code min_duration_nanos}
   * @param message what was wrong and what is accepted
   */
  public InvalidFilterException(String parameter, String message) {
    super(message);
    this.parameter = Objects.requireNonNull(parameter, "parameter");
  }

  /** The offending parameter, as spelled in the request. */
  public String parameter() {
    return parameter;
  }
}

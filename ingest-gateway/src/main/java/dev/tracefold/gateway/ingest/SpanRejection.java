package dev.tracefold.gateway.ingest;

import java.util.Objects;

/**
 * One span that was not accepted, with a message for the client. Immutable.
 *
 * @param reason the bounded reason (a metric label)
 * @param message what was wrong with which span, e.g. {@code span #2 'chat': end_time_unix_nano (5)
 *     is before start_time_unix_nano (10)}
 */
public record SpanRejection(RejectionReason reason, String message) {
  /**
   * Characters of a span name a message quotes: names are not bounded at ingest, and five quoted
   * megabyte names made a 15 MB partial-success answer (issue #12).
   */
  public static final int MAX_QUOTED_NAME_CHARS = 100;

  public SpanRejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  /**
   * A span name as messages quote it: {@code 'chat'}, or its first {@value #MAX_QUOTED_NAME_CHARS}
   * characters (never half a surrogate pair) and {@code …'} with the full length when longer.
   */
  public static String quotedName(String name) {
    if (name.length() <= MAX_QUOTED_NAME_CHARS) {
      return "'" + name + "'";
    }
    int end = MAX_QUOTED_NAME_CHARS;
    if (Character.isHighSurrogate(name.charAt(end - 1))) {
      end--;
    }
    return "'" + name.substring(0, end) + "…' (" + name.length() + " characters)";
  }
}

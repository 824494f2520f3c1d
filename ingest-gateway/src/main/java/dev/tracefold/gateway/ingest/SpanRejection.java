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
  public SpanRejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}

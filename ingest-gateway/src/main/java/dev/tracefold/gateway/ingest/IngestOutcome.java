package dev.tracefold.gateway.ingest;

import java.util.Objects;

/**
 * What became of one ingest request, decided by {@link IngestPipeline}; each transport renders it
 * in its own wire format. Immutable.
 *
 * <ul>
 *   <li>{@link Accepted}: Kafka acknowledged every span of the request;
 *   <li>{@link PartiallyAccepted}: Kafka acknowledged the valid spans, the others were rejected
 *       (invalid, or too large for a Kafka record);
 *   <li>{@link Refused}: the request was refused as a whole (bad input, too many spans, rate
 *       limited, Kafka unavailable, internal error), with an HTTP status, a message for the client
 *       and the seconds after which a retry may succeed.
 * </ul>
 */
public sealed interface IngestOutcome
    permits IngestOutcome.Accepted, IngestOutcome.PartiallyAccepted, IngestOutcome.Refused {

  /**
   * The HTTP status of this outcome: 200 when spans were accepted, else the refusal's. OTLP/gRPC
   * counts its calls under this status too.
   */
  int httpStatus();

  /** {@link Accepted} when {@code result} rejected nothing, else {@link PartiallyAccepted}. */
  static IngestOutcome of(IngestResult result) {
    return result.fullSuccess() ? new Accepted(result) : new PartiallyAccepted(result);
  }

  /**
   * Every span was accepted and acknowledged by Kafka.
   *
   * @param result the accepted span count (rejections are empty)
   */
  record Accepted(IngestResult result) implements IngestOutcome {
    public Accepted {
      Objects.requireNonNull(result, "result");
      if (!result.fullSuccess()) {
        throw new IllegalArgumentException("an accepted request rejected no span");
      }
    }

    @Override
    public int httpStatus() {
      return 200;
    }
  }

  /**
   * Some spans were rejected; the others were accepted and acknowledged by Kafka.
   *
   * @param result the accepted span count and the rejections, in request order
   */
  record PartiallyAccepted(IngestResult result) implements IngestOutcome {
    public PartiallyAccepted {
      Objects.requireNonNull(result, "result");
      if (result.fullSuccess()) {
        throw new IllegalArgumentException("a partially accepted request rejected some span");
      }
    }

    /** Spans not accepted. */
    public int rejectedSpans() {
      return result.rejectedSpans();
    }

    /**
     * The summary OTLP sends as {@code partial_success.error_message}, e.g. {@code 2 of 5 spans
     * rejected: span #1 'x': ...} ({@link IngestResult#errorMessage()}).
     */
    public String message() {
      return result.errorMessage();
    }

    @Override
    public int httpStatus() {
      return 200;
    }
  }

  /**
   * The request was refused as a whole; nothing of it was produced, except on 503 and 500, where
   * Kafka may hold some of its spans (a retry writes them again; downstream de-duplicates).
   *
   * @param httpStatus 400, 413, 415, 429, 503 or 500
   * @param message what was wrong and what to do
   * @param retryAfterSeconds the {@code Retry-After} (gRPC {@code RetryInfo}) in whole seconds:
   *     positive on 429 and 503, 0 when the answer carries none
   */
  record Refused(int httpStatus, String message, long retryAfterSeconds) implements IngestOutcome {
    public Refused {
      Objects.requireNonNull(message, "message");
      if (httpStatus < 400 || httpStatus > 599) {
        throw new IllegalArgumentException("a refusal has an error status, got " + httpStatus);
      }
      if (retryAfterSeconds < 0) {
        throw new IllegalArgumentException("retryAfterSeconds must be >= 0: " + retryAfterSeconds);
      }
    }

    /** True when the answer carries a {@code Retry-After} (429 and 503). */
    public boolean hasRetryAfter() {
      return retryAfterSeconds > 0;
    }
  }
}

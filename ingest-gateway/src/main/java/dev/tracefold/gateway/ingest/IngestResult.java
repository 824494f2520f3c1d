package dev.tracefold.gateway.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * Outcome of one request whose accepted spans Kafka acknowledged. Immutable.
 *
 * @param acceptedSpans spans Kafka acknowledged
 * @param rejections spans that were not accepted (invalid, or too large for Kafka), in request
 *     order; empty on full success
 */
public record IngestResult(int acceptedSpans, List<SpanRejection> rejections) {
  /** Rejection messages quoted in {@link #errorMessage()}; the rest are counted only. */
  static final int MAX_QUOTED_MESSAGES = 5;

  public IngestResult {
    rejections = List.copyOf(rejections);
  }

  /** This result followed by {@code more}: the accepted spans added, the rejections in order. */
  IngestResult plus(IngestResult more) {
    List<SpanRejection> all = new ArrayList<>(rejections);
    all.addAll(more.rejections);
    return new IngestResult(acceptedSpans + more.acceptedSpans, all);
  }

  /** Number of spans not accepted. */
  public int rejectedSpans() {
    return rejections.size();
  }

  /** True when every span of the request was accepted. */
  public boolean fullSuccess() {
    return rejections.isEmpty();
  }

  /**
   * A human-readable summary of the rejections for OTLP's {@code partial_success.error_message},
   * e.g. {@code 2 of 5 spans rejected: span #1 'x': ...; span #4 'y': ...}; empty on full success.
   * Quotes at most the first five messages.
   */
  public String errorMessage() {
    if (rejections.isEmpty()) {
      return "";
    }
    StringBuilder text =
        new StringBuilder()
            .append(rejections.size())
            .append(" of ")
            .append(acceptedSpans + rejections.size())
            .append(" spans rejected: ");
    int quoted = Math.min(MAX_QUOTED_MESSAGES, rejections.size());
    for (int i = 0; i < quoted; i++) {
      if (i > 0) {
        text.append("; ");
      }
      text.append(rejections.get(i).message());
    }
    if (rejections.size() > quoted) {
      text.append("; and ").append(rejections.size() - quoted).append(" more");
    }
    return text.toString();
  }
}

package dev.tracefold.gateway.ingest;

import java.util.Locale;

/**
 * Why a span was not accepted. The {@link #label()} is the {@code reason} label of {@code
 * tracefold_gateway_spans_rejected_total}; the set is closed, so the label stays bounded.
 */
public enum RejectionReason {
  /** The trace id is not 16 bytes, or is all zeros. */
  INVALID_TRACE_ID,
  /** The span id is not 8 bytes, or is all zeros. */
  INVALID_SPAN_ID,
  /** The parent span id is neither empty nor 8 bytes. */
  INVALID_PARENT_SPAN_ID,
  /** A start or end time is at or past 2^63 ns (an unsigned fixed64 beyond what a long holds). */
  INVALID_TIME,
  /** The span ends before it starts. */
  END_BEFORE_START,
  /** The span has no name. */
  MISSING_NAME,
  /** The encoded span exceeds the Kafka producer's {@code max.request.size}. */
  SPAN_TOO_LARGE,
  /** Kafka did not acknowledge the request's spans in time (the request was answered 503). */
  KAFKA_UNAVAILABLE;

  /** Lowercase name, e.g. {@code end_before_start}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}

package dev.tracefold.store.trace;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.sql.PgValues;
import java.util.Objects;

/**
 * A span with its Avro single-object encoding (the value of its {@code tracefold.spans} record), so
 * that the store keeps the bytes it received as the span's payload instead of encoding the span
 * again, and with its ids as stored (see {@link PgValues#text}), worked out once. Immutable:
 * neither the span nor the array may be modified after construction.
 */
public final class EncodedSpan {
  private final Span span;
  private final byte[] payload;
  private final TraceKey traceKey;
  private final String spanId;

  /**
   * @param span the decoded span
   * @param payload the span's Avro single-object encoding with the schema this build reads (marker
   *     {@code C3 01}, fingerprint, body): bytes that {@code AvroSerde.of(Span.class)} decodes to a
   *     span equal to {@code span}; the caller vouches for this, the store does not re-check it
   * @throws IllegalArgumentException if the span's project id is empty or contains '/'
   */
  public EncodedSpan(Span span, byte[] payload) {
    this.span = Objects.requireNonNull(span, "span");
    this.payload = Objects.requireNonNull(payload, "payload");
    this.traceKey = SpanRows.traceKey(span);
    this.spanId = PgValues.text(span.getSpanId());
  }

  /** The span with a payload encoded now. */
  public static EncodedSpan encode(Span span) {
    return new EncodedSpan(span, SpanRows.SERDE.encode(span));
  }

  /** The decoded span. */
  public Span span() {
    return span;
  }

  /** The span's Avro single-object encoding, stored as its payload. */
  public byte[] payload() {
    return payload;
  }

  /** The span's project and trace id as stored. */
  public TraceKey traceKey() {
    return traceKey;
  }

  /** The span id as stored. */
  public String spanId() {
    return spanId;
  }
}

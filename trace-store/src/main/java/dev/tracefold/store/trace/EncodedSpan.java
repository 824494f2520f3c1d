package dev.tracefold.store.trace;

import dev.tracefold.schemas.Span;
import java.util.Objects;

/**
 * A span with its Avro single-object encoding (the value of its {@code tracefold.spans} record), so
 * that the store keeps the bytes it received as the span's payload instead of encoding the span
 * again. Immutable by convention: neither the span nor the array may be modified after
 * construction.
 *
 * @param span the decoded span
 * @param payload the span's Avro single-object encoding with the schema this build reads (marker
 *     {@code C3 01}, fingerprint, body): bytes that {@code AvroSerde.of(Span.class)} decodes to a
 *     span equal to {@code span}; the caller vouches for this, the store does not re-check it
 */
public record EncodedSpan(Span span, byte[] payload) {
  public EncodedSpan {
    Objects.requireNonNull(span, "span");
    Objects.requireNonNull(payload, "payload");
  }

  /** The span with a payload encoded now. */
  public static EncodedSpan encode(Span span) {
    return new EncodedSpan(span, SpanRows.SERDE.encode(span));
  }
}

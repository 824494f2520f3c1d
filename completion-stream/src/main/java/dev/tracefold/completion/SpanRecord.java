package dev.tracefold.completion;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.SpanHeaders;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.schemas.topic.TraceKey;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The identity of one {@code tracefold.spans} record, read without decoding its Avro value when the
 * record carries the gateway's {@link SpanHeaders}: project and trace from the record key ({@link
 * TraceKey}), span id from the {@value SpanHeaders#SPAN_ID} header, and a check of the value's
 * single-object marker. Records without them are decoded (and their ids taken from the span).
 * Immutable.
 *
 * @param projectId the project id
 * @param traceId the trace id
 * @param spanId the span id
 * @param root whether the span has no parent
 * @param documentSpanCount spans of the native JSON document it came in ({@link
 *     SpanHeaders#DOCUMENT_SPAN_COUNT}), 0 if none
 * @param value the record value, unchanged: Avro single-object encoding of a {@link Span}
 */
record SpanRecord(
    String projectId,
    String traceId,
    String spanId,
    boolean root,
    int documentSpanCount,
    byte[] value) {
  private static final AvroSerde<Span> SERDE = (AvroSerde<Span>) Topics.SPANS.valueSerde();

  /**
   * Reads a record's identity.
   *
   * @throws SerializationException if the record has no value, or a value that is not a span
   *     (checked in full only for records without the headers; the rest is decoded at completion)
   */
  static SpanRecord read(Record<byte[], byte[]> record) {
    byte[] value = record.value();
    if (value == null || value.length < 10) {
      throw new SerializationException(
          "Span record has no value or a value too short for Avro single-object encoding");
    }
    String spanId = SpanHeaders.spanId(record.headers());
    int documentSpanCount = SpanHeaders.documentSpanCount(record.headers());
    TraceKey key = spanId == null ? null : parseKey(record.key());
    if (key != null && (value[0] & 0xff) == 0xC3 && value[1] == 0x01) {
      boolean root = SpanHeaders.isRoot(record.headers());
      return new SpanRecord(key.projectId(), key.traceId(), spanId, root, documentSpanCount, value);
    }
    Span span = SERDE.decode(value);
    try {
      new TraceKey(span.getProjectId(), span.getTraceId());
    } catch (IllegalArgumentException e) {
      throw new SerializationException("Span record names no valid project: " + e.getMessage());
    }
    return new SpanRecord(
        span.getProjectId(),
        span.getTraceId(),
        span.getSpanId(),
        span.getParentSpanId() == null,
        documentSpanCount,
        value);
  }

  private static TraceKey parseKey(byte[] key) {
    if (key == null) {
      return null;
    }
    try {
      return TraceKey.parse(new String(key, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code projectId/traceId}. */
  String traceKey() {
    return projectId + "/" + traceId;
  }

  /** Key in the spans store: {@code projectId/traceId/spanId}. */
  String storeKey() {
    return projectId + "/" + traceId + "/" + spanId;
  }
}

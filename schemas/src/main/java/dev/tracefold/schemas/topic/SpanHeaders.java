package dev.tracefold.schemas.topic;

import dev.tracefold.schemas.Span;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Record headers the ingest gateway puts on every {@code tracefold.spans} record, so that readers
 * which only need a span's identity (the completion stream) do not decode the Avro value:
 *
 * <ul>
 *   <li>{@value #SPAN_ID}: the span id, UTF-8 (16 lowercase hex characters as normalised);
 *   <li>{@value #PARENT_SPAN_ID}: the parent span id, UTF-8; absent for a root span;
 *   <li>{@value #DOCUMENT_SPAN_COUNT}: on spans of a native JSON trace document (which holds a
 *       whole trace), how many spans the document holds, decimal UTF-8: the completion stream
 *       completes the trace once that many arrived.
 * </ul>
 *
 * The value stays the source of truth: a record without the headers (an older gateway, a producer
 * of its own) is read by decoding its value. Stateless; thread-safe.
 */
public final class SpanHeaders {
  /** Header holding the span id. */
  public static final String SPAN_ID = "tracefold.span.id";

  /** Header holding the parent span id; absent for a root span. */
  public static final String PARENT_SPAN_ID = "tracefold.parent.span.id";

  /** Header holding the span count of the native JSON document the span came in. */
  public static final String DOCUMENT_SPAN_COUNT = "tracefold.document.span.count";

  private SpanHeaders() {}

  /**
   * The headers of one span's record.
   *
   * @param span a normalised span
   * @return new mutable headers holding {@link #SPAN_ID} and, unless the span is a root, {@link
   *     #PARENT_SPAN_ID}
   */
  public static Headers of(Span span) {
    return of(span.getSpanId(), span.getParentSpanId());
  }

  /**
   * The headers of a span's record from its ids.
   *
   * @param spanId the span id; not null
   * @param parentSpanId the parent span id, or null for a root span
   * @return new mutable headers
   */
  public static Headers of(String spanId, String parentSpanId) {
    Headers headers = new RecordHeaders();
    headers.add(SPAN_ID, spanId.getBytes(StandardCharsets.UTF_8));
    if (parentSpanId != null) {
      headers.add(PARENT_SPAN_ID, parentSpanId.getBytes(StandardCharsets.UTF_8));
    }
    return headers;
  }

  /**
   * Adds {@link #DOCUMENT_SPAN_COUNT} to a span's headers.
   *
   * @param headers headers made by {@link #of}
   * @param spanCount spans of the document, at least 1
   * @return {@code headers}
   */
  public static Headers withDocumentSpanCount(Headers headers, int spanCount) {
    return headers.add(
        DOCUMENT_SPAN_COUNT, Integer.toString(spanCount).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The document span count a record's headers carry.
   *
   * @return the count, or 0 when there is no valid {@link #DOCUMENT_SPAN_COUNT} header
   */
  public static int documentSpanCount(Headers headers) {
    Header header = headers.lastHeader(DOCUMENT_SPAN_COUNT);
    if (header == null || header.value() == null) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8)));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** True when the record carries {@link #SPAN_ID} and no {@link #PARENT_SPAN_ID}: a root span. */
  public static boolean isRoot(Headers headers) {
    return spanId(headers) != null && headers.lastHeader(PARENT_SPAN_ID) == null;
  }

  /**
   * The span id a record's headers carry.
   *
   * @return the span id, or null when the record has no (non-empty) {@link #SPAN_ID} header
   */
  public static String spanId(Headers headers) {
    Header header = headers.lastHeader(SPAN_ID);
    if (header == null || header.value() == null || header.value().length == 0) {
      return null;
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }
}

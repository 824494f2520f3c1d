package dev.tracefold.gateway.ingest;

import dev.tracefold.schemas.Span;
import java.util.List;
import java.util.Map;

/**
 * What a transport hands to {@link SpanIngester}: the spans of one request that passed validation,
 * already normalised, and the ones that did not. Immutable (the lists are copied; the {@link Span}
 * records themselves are mutable Avro objects the batch takes ownership of).
 *
 * @param spans valid, normalised spans, in request order
 * @param rejections invalid spans, in request order
 * @param documentSpanCounts for spans that came as whole-trace documents (native JSON): trace id →
 *     the document's span count, sent with each span as {@link
 *     dev.tracefold.schemas.topic.SpanHeaders#DOCUMENT_SPAN_COUNT}; empty for OTLP
 */
public record NormalizedBatch(
    List<Span> spans, List<SpanRejection> rejections, Map<String, Integer> documentSpanCounts) {
  public NormalizedBatch {
    spans = List.copyOf(spans);
    rejections = List.copyOf(rejections);
    documentSpanCounts = Map.copyOf(documentSpanCounts);
  }

  /** A batch of spans that did not come as whole-trace documents. */
  public NormalizedBatch(List<Span> spans, List<SpanRejection> rejections) {
    this(spans, rejections, Map.of());
  }

  /** Number of spans the request carried: valid plus rejected. */
  public int totalSpans() {
    return spans.size() + rejections.size();
  }
}

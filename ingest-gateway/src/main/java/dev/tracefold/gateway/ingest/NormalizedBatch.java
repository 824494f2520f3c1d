package dev.tracefold.gateway.ingest;

import dev.tracefold.schemas.Span;
import java.util.List;

/**
 * What a transport hands to {@link SpanIngester}: the spans of one request that passed validation,
 * already normalised, and the ones that did not. Immutable (the lists are copied; the {@link Span}
 * records themselves are mutable Avro objects the batch takes ownership of).
 *
 * @param spans valid, normalised spans, in request order
 * @param rejections invalid spans, in request order
 */
public record NormalizedBatch(List<Span> spans, List<SpanRejection> rejections) {
  public NormalizedBatch {
    spans = List.copyOf(spans);
    rejections = List.copyOf(rejections);
  }

  /** Number of spans the request carried: valid plus rejected. */
  public int totalSpans() {
    return spans.size() + rejections.size();
  }
}

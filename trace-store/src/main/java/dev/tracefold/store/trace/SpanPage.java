package dev.tracefold.store.trace;

import dev.tracefold.schemas.Span;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.sql.PgValues;
import java.util.List;
import java.util.Objects;

/**
 * One page of a trace's stored spans, in start order (start time, then span id in byte order), as
 * {@link TraceStore#findSpans} reads them. Immutable.
 *
 * @param spans the page's spans; at least one unless the trace has no span after the position
 * @param next where the next page starts (the last span of this one); null on the last page
 */
public record SpanPage(List<Span> spans, Position next) {
  public SpanPage {
    spans = List.copyOf(spans);
  }

  /**
   * A span's place in start order: pages continue after it.
   *
   * @param startEpochNanos the span's start, nanoseconds since the Unix epoch
   * @param spanId the span's id (16 lower-case hex characters as stored)
   */
  public record Position(long startEpochNanos, String spanId) {
    public Position {
      Objects.requireNonNull(spanId, "spanId");
    }

    /** The position of {@code span}. */
    public static Position of(Span span) {
      return new Position(span.getStartEpochNanos(), PgValues.text(span.getSpanId()));
    }
  }
}

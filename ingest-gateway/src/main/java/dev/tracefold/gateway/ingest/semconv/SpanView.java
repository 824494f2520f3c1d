package dev.tracefold.gateway.ingest.semconv;

import dev.tracefold.schemas.SpanEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the conventions read of one span: its attributes (converted to scalars: {@code String},
 * {@code Long}, {@code Double}, {@code Boolean}; arrays and maps as JSON text), its events, and its
 * start. Immutable as long as the caller does not change the map or list it passed.
 *
 * @param attributes the span's attributes; never null
 * @param events the span's events in order; never null
 * @param startEpochNanos the span's start in nanoseconds since the Unix epoch, or null when unknown
 *     (then no time to first token is derived from event or completion-start times)
 */
public record SpanView(
    Map<String, Object> attributes, List<SpanEvent> events, Long startEpochNanos) {
  public SpanView {
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(events, "events");
  }

  /** The attribute value under {@code key}, or null. */
  public Object get(String key) {
    return attributes.get(key);
  }
}

package dev.tracefold.gateway.ingest;

import dev.tracefold.schemas.SpanEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders of attribute maps and events, in the scalar form the gateway converts them to. */
final class SpanData {
  /** 2026-11-21T09:00:00Z in nanoseconds: the start of every test span. */
  static final long START_NANOS = 1_795_251_600_000_000_000L;

  private SpanData() {}

  /** An insertion-ordered map of alternating keys and values. */
  static Map<String, Object> attributes(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must alternate");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** An event {@code offsetNanos} after {@link #START_NANOS}. */
  static SpanEvent event(String name, long offsetNanos, Object... keysAndValues) {
    return SpanEvent.newBuilder()
        .setName(name)
        .setTimeEpochNanos(START_NANOS + offsetNanos)
        .setAttributes(attributes(keysAndValues))
        .build();
  }

  /** Maps a span that started at {@link #START_NANOS}. */
  static LlmAttributes map(Map<String, Object> attributes, SpanEvent... events) {
    return AttributeMapping.extract(attributes, List.of(events), START_NANOS);
  }
}

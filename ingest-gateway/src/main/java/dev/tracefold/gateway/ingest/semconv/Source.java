package dev.tracefold.gateway.ingest.semconv;

import dev.tracefold.schemas.SpanEvent;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One row of the mapping table: where a convention carries a {@link Field} and how to read it.
 * Immutable and thread-safe.
 *
 * @param field the field it fills
 * @param key the attribute key (or event name, or key pattern) it reads, as documented in
 *     ingest-gateway/README.md
 * @param reader reads the value from a span; returns null when the span has no usable value, so the
 *     next source is tried
 * @param <T> the value type
 */
public record Source<T>(Field<T> field, String key, Function<SpanView, T> reader) {
  public Source {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(reader, "reader");
  }

  /** Reads the value from {@code span}; null when unusable. */
  public T read(SpanView span) {
    return reader.apply(span);
  }

  /** A non-empty scalar attribute, as text. */
  public static Source<String> text(Field<String> field, String key) {
    return new Source<>(field, key, span -> AttributeValues.text(span.get(key)));
  }

  /** A non-negative whole-number attribute (see {@link AttributeValues#count}). */
  public static Source<Long> count(Field<Long> field, String key) {
    return new Source<>(field, key, span -> AttributeValues.count(span.get(key)));
  }

  /** A cost attribute in US dollars. */
  public static Source<Long> usd(String key) {
    return new Source<>(
        Field.REPORTED_COST_MICROCENTS,
        key,
        span -> AttributeValues.usdToMicrocents(span.get(key)));
  }

  /** A tags attribute (see {@link AttributeValues#tags}). */
  public static Source<List<String>> tags(String key) {
    return new Source<>(Field.TAGS, key, span -> AttributeValues.tags(span.get(key)));
  }

  /** A time-to-first-token attribute in seconds. */
  public static Source<Long> seconds(String key) {
    return new Source<>(
        Field.TIME_TO_FIRST_TOKEN_NANOS,
        key,
        span -> AttributeValues.secondsToNanos(span.get(key)));
  }

  /** A time-to-first-token attribute in milliseconds. */
  public static Source<Long> millis(String key) {
    return new Source<>(
        Field.TIME_TO_FIRST_TOKEN_NANOS, key, span -> AttributeValues.millisToNanos(span.get(key)));
  }

  /**
   * A time-to-first-token attribute holding the absolute time of the first token (ISO-8601, see
   * {@link AttributeValues#epochNanos}); the value is that time minus the span start.
   */
  public static Source<Long> firstTokenTime(String key) {
    return new Source<>(
        Field.TIME_TO_FIRST_TOKEN_NANOS,
        key,
        span -> sinceStart(span, AttributeValues.epochNanos(span.get(key))));
  }

  /**
   * A first-token event: the time of the first event named {@code eventName} minus the span start.
   */
  public static Source<Long> firstTokenEvent(String eventName) {
    return new Source<>(
        Field.TIME_TO_FIRST_TOKEN_NANOS,
        eventName,
        span -> {
          for (SpanEvent event : span.events()) {
            if (eventName.equals(event.getName())) {
              return sinceStart(span, event.getTimeEpochNanos());
            }
          }
          return null;
        });
  }

  /** A text attribute of the first event named {@code eventName}. */
  public static Source<String> eventText(Field<String> field, String eventName, String key) {
    return new Source<>(
        field,
        eventName,
        span -> {
          for (SpanEvent event : span.events()) {
            if (eventName.equals(event.getName())) {
              return AttributeValues.text(event.getAttributes().get(key));
            }
          }
          return null;
        });
  }

  private static Long sinceStart(SpanView span, Long epochNanos) {
    if (epochNanos == null || span.startEpochNanos() == null) {
      return null;
    }
    long nanos = epochNanos - span.startEpochNanos();
    return nanos >= 0 ? nanos : null;
  }
}

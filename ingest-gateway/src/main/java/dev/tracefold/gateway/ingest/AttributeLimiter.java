package dev.tracefold.gateway.ingest;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds the attributes of a span and of each of its events, as OpenTelemetry SDKs do (SDK
 * specification, "Attribute limits"): the first {@code maxAttributesPerSpan} attributes in arrival
 * order are kept and the rest dropped; a string value longer than {@code maxAttributeValueLength}
 * UTF-16 characters is cut to that length (never inside a surrogate pair). Arrays and key-value
 * lists are stored as JSON text, so their text is cut like any string. Other values are kept.
 *
 * <p>What was cut is recorded on the map it happened in: {@value #DROPPED_KEY} (attributes dropped)
 * and {@value #TRUNCATED_KEY} (values truncated), both {@code long}, added after limiting (so a
 * limited map holds up to two attributes more than the limit). Resource attributes are limited the
 * same way (issue #12: every span carries its resource's attributes, so one 500 KB resource
 * attribute shared by 200 spans of a 510 KB request grew Kafka by 82 MB). The span's {@code input}
 * and {@code output}, derived from attributes before they are limited, are cut to {@code
 * maxInputOutputLength} and counted with the truncated values of the span's counters (not in
 * {@value #TRUNCATED_KEY}, which counts attributes).
 *
 * <p>Immutable and thread-safe; {@link #apply} mutates the span it is given.
 */
public final class AttributeLimiter {
  /** Attribute recording how many attributes were dropped from the span (or event). */
  public static final String DROPPED_KEY = "tracefold.dropped_attributes_count";

  /** Attribute recording how many attribute values of the span (or event) were truncated. */
  public static final String TRUNCATED_KEY = "tracefold.truncated_attributes_count";

  private final int maxAttributes;
  private final int maxValueLength;
  private final int maxInputOutputLength;

  /**
   * @param limits supplies {@link IngestLimits#maxAttributesPerSpan()}, {@link
   *     IngestLimits#maxAttributeValueLength()} and {@link IngestLimits#maxInputOutputLength()}
   */
  public AttributeLimiter(IngestLimits limits) {
    this.maxAttributes = limits.maxAttributesPerSpan();
    this.maxValueLength = limits.maxAttributeValueLength();
    this.maxInputOutputLength = limits.maxInputOutputLength();
  }

  /**
   * Limits the span's attributes and its events' attributes in place.
   *
   * @return what was cut from the span and its events together
   */
  public Cut apply(Span span) {
    Counter counter = new Counter();
    if (span.getInput() != null && span.getInput().length() > maxInputOutputLength) {
      span.setInput(truncate(span.getInput(), maxInputOutputLength));
      counter.truncated++;
    }
    if (span.getOutput() != null && span.getOutput().length() > maxInputOutputLength) {
      span.setOutput(truncate(span.getOutput(), maxInputOutputLength));
      counter.truncated++;
    }
    Map<String, Object> attributes = limit(span.getAttributes(), counter);
    if (attributes != null) {
      span.setAttributes(attributes);
    }
    Map<String, Object> resourceAttributes = limit(span.getResourceAttributes(), counter);
    if (resourceAttributes != null) {
      span.setResourceAttributes(resourceAttributes);
    }
    for (SpanEvent event : span.getEvents()) {
      Map<String, Object> eventAttributes = limit(event.getAttributes(), counter);
      if (eventAttributes != null) {
        event.setAttributes(eventAttributes);
      }
    }
    return new Cut(counter.dropped, counter.truncated);
  }

  /** The limited copy of {@code attributes}, or null when nothing had to be cut. */
  private Map<String, Object> limit(Map<String, Object> attributes, Counter counter) {
    if (attributes.size() <= maxAttributes && !hasLongValue(attributes)) {
      return null;
    }
    Map<String, Object> limited =
        new LinkedHashMap<>(Math.min(attributes.size(), maxAttributes) * 2);
    long dropped = 0;
    long truncated = 0;
    for (Map.Entry<String, Object> entry : attributes.entrySet()) {
      if (limited.size() >= maxAttributes) {
        dropped++;
        continue;
      }
      Object value = entry.getValue();
      if (value instanceof CharSequence text && text.length() > maxValueLength) {
        value = truncate(text, maxValueLength);
        truncated++;
      }
      limited.put(entry.getKey(), value);
    }
    if (dropped > 0) {
      limited.put(DROPPED_KEY, dropped);
    }
    if (truncated > 0) {
      limited.put(TRUNCATED_KEY, truncated);
    }
    counter.dropped += dropped;
    counter.truncated += truncated;
    return limited;
  }

  private boolean hasLongValue(Map<String, Object> attributes) {
    for (Object value : attributes.values()) {
      if (value instanceof CharSequence text && text.length() > maxValueLength) {
        return true;
      }
    }
    return false;
  }

  private static String truncate(CharSequence text, int maxLength) {
    int end = maxLength;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // do not split a surrogate pair
    }
    return text.subSequence(0, end).toString();
  }

  /**
   * What {@link #apply} cut from one span and its events. Immutable.
   *
   * @param droppedAttributes attributes dropped beyond the count limit
   * @param truncatedValues values cut to the length limit
   */
  public record Cut(long droppedAttributes, long truncatedValues) {}

  private static final class Counter {
    long dropped;
    long truncated;
  }
}

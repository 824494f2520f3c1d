package dev.tracefold.gateway.nativejson;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the typed values of a native trace or span (times, durations, counts, cost, text) and
 * converts free-form JSON to the values of Tracefold's attribute maps. Conversions that the schema
 * did not already guarantee fail with {@link InvalidTraceException}. Immutable and thread-safe.
 */
final class NativeValues {
  /** Microcents per US dollar. */
  static final long MICROCENTS_PER_USD = 100_000_000L;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final JsonMapper json;

  /**
   * @param json renders arrays and objects as JSON text
   */
  NativeValues(JsonMapper json) {
    this.json = json;
  }

  /**
   * An RFC 3339 date-time field as nanoseconds since the Unix epoch; null when absent or null.
   *
   * @param pointer JSON pointer of {@code node}, for errors
   */
  static Long epochNanos(JsonNode node, String pointer, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    String text = value.asString();
    try {
      Instant instant = OffsetDateTime.parse(text.toUpperCase(Locale.ROOT)).toInstant();
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
    } catch (DateTimeParseException e) {
      throw new InvalidTraceException(
          pointer + "/" + field,
          "format",
          field + " '" + text + "' is not an RFC 3339 date-time such as 2025-01-31T12:00:00.250Z");
    } catch (ArithmeticException e) {
      throw new InvalidTraceException(
          pointer + "/" + field, "range", field + " '" + text + "' is outside 1677..2262");
    }
  }

  /** A non-negative millisecond field as nanoseconds (rounded half up); null when absent. */
  static Long millisAsNanos(JsonNode node, String pointer, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    try {
      return value
          .decimalValue()
          .movePointRight(6)
          .setScale(0, RoundingMode.HALF_UP)
          .longValueExact();
    } catch (ArithmeticException e) {
      throw new InvalidTraceException(
          pointer + "/" + field, "range", field + " " + value + " is too large");
    }
  }

  /** A USD amount as microcents (1 USD = 100,000,000; rounded half up); null when absent. */
  static Long usdAsMicrocents(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    return value
        .decimalValue()
        .multiply(BigDecimal.valueOf(MICROCENTS_PER_USD))
        .setScale(0, RoundingMode.HALF_UP)
        .longValueExact(); // the schema caps cost at 1e9 USD
  }

  /**
   * An integer field (the schema guarantees a non-negative integer, not its size); null when
   * absent.
   *
   * @param pointer JSON pointer of {@code node}, for errors
   * @throws InvalidTraceException (rule {@code range}) when the value does not fit 64 bits
   */
  static Long count(JsonNode node, String pointer, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.canConvertToLong()) {
      // found by fuzzing: longValue() threw, a 500 for the whole request
      throw new InvalidTraceException(
          pointer + "/" + field, "range", field + " " + value + " is too large");
    }
    return value.longValue();
  }

  /** A string field; null when absent, null or empty. */
  static String string(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isString()) {
      return null;
    }
    String text = value.stringValue();
    return text.isEmpty() ? null : text;
  }

  /** A string array field; empty when absent. */
  static List<String> strings(JsonNode node, String field) {
    JsonNode value = node.get(field);
    List<String> strings = new ArrayList<>();
    if (value != null && value.isArray()) {
      value.forEach(item -> strings.add(item.asString()));
    }
    return strings;
  }

  /** Free-form JSON as text: strings as they are, null as null, anything else as JSON text. */
  String text(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    return value.isString() ? value.stringValue() : json.writeValueAsString(value);
  }

  /**
   * A JSON value as an attribute value: strings, booleans, integers that fit a {@code long} and
   * other numbers (as {@code double}) typed; null as null; arrays and objects as JSON text.
   */
  Object attribute(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isString()) {
      return value.stringValue();
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return value.longValue();
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    return json.writeValueAsString(value);
  }
}

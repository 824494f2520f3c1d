package dev.tracefold.gateway.ingest.semconv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Coerces attribute values (as the gateway stores them: {@code String}, {@code Long}, {@code
 * Double}, {@code Boolean}; arrays and maps as JSON text) into the typed values of the normalised
 * span. Every method returns null for a value it cannot use, so that the next source of a field can
 * be tried. Stateless and thread-safe.
 */
public final class AttributeValues {
  /** 1 USD = 100,000,000 microcents. */
  public static final BigDecimal MICROCENTS_PER_USD = BigDecimal.valueOf(100_000_000L);

  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
  private static final BigDecimal NANOS_PER_MILLI = BigDecimal.valueOf(1_000_000L);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private AttributeValues() {}

  /** A non-empty scalar as text ({@code 42L} gives {@code "42"}); null otherwise. */
  public static String text(Object value) {
    if (value instanceof CharSequence || value instanceof Number || value instanceof Boolean) {
      String text = value.toString();
      return text.isEmpty() ? null : text;
    }
    return null;
  }

  /**
   * A non-negative whole number: integers as they are, integral doubles and numeric strings ({@code
   * 12.0}, {@code "12"}, {@code "1e3"}) when they hold a whole number in range; anything else
   * (fractions, negatives, text, booleans, NaN) gives null.
   */
  public static Long count(Object value) {
    BigDecimal decimal = decimal(value);
    if (decimal == null || decimal.signum() < 0) {
      return null;
    }
    try {
      return decimal.stripTrailingZeros().scale() <= 0 ? decimal.longValueExact() : null;
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /**
   * A non-negative amount in US dollars (a number or numeric string, e.g. {@code 0.0123}) as
   * microcents, rounded half-up to a whole microcent; null if unusable or out of range.
   */
  public static Long usdToMicrocents(Object value) {
    return scaled(decimal(value), MICROCENTS_PER_USD);
  }

  /** A non-negative duration in seconds (e.g. {@code 0.25}) as nanoseconds, rounded half-up. */
  public static Long secondsToNanos(Object value) {
    return scaled(decimal(value), NANOS_PER_SECOND);
  }

  /** A non-negative duration in milliseconds (e.g. {@code 412.5}) as nanoseconds, half-up. */
  public static Long millisToNanos(Object value) {
    return scaled(decimal(value), NANOS_PER_MILLI);
  }

  /**
   * A point in time given as ISO-8601 text as epoch nanoseconds: with an offset ({@code
   * 2025-10-01T08:45:26.112648Z}, {@code ...+02:00}) or without one (read as UTC); the text may be
   * JSON-quoted once more ({@code "\"2025-...Z\""}, as older Langfuse SDKs send it). Null if
   * unusable.
   */
  public static Long epochNanos(Object value) {
    String text = text(value);
    if (text == null) {
      return null;
    }
    text = text.trim();
    if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
      text = text.substring(1, text.length() - 1);
    }
    Instant instant;
    try {
      instant = OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException e) {
      try {
        instant = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeException e2) {
        return null;
      }
    }
    try {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /**
   * Tags: a JSON array of scalars ({@code ["a","b"]}, how the gateway stores a string-array
   * attribute), else comma-separated text ({@code "a, b"}), else one tag. Blank tags are dropped
   * and duplicates removed, first occurrence first. Null when no tag remains.
   */
  public static List<String> tags(Object value) {
    String text = text(value);
    if (text == null) {
      return null;
    }
    Set<String> tags = new LinkedHashSet<>();
    JsonNode array = text.trim().startsWith("[") ? parseJson(text) : null;
    if (array != null && array.isArray()) {
      for (JsonNode element : array) {
        if (element.isValueNode() && !element.isNull()) {
          addTag(tags, element.asText());
        }
      }
    } else {
      for (String part : text.split(",")) {
        addTag(tags, part);
      }
    }
    return tags.isEmpty() ? null : List.copyOf(tags);
  }

  /**
   * The total of a JSON object of USD amounts ({@code {"input":0.001,"output":0.002,"total":
   * 0.003}}, Langfuse {@code cost_details}): its {@code total} if present, else the sum of its
   * numeric members; as microcents. Null if unusable.
   */
  public static Long usdTotalOfJsonObject(Object value) {
    String text = text(value);
    JsonNode object = text == null ? null : parseJson(text);
    if (object == null || !object.isObject()) {
      return null;
    }
    JsonNode total = object.get("total");
    if (total != null) {
      return usdToMicrocents(total.isNumber() ? total.decimalValue() : total.asText());
    }
    BigDecimal sum = null;
    for (Iterator<JsonNode> members = object.elements(); members.hasNext(); ) {
      JsonNode member = members.next();
      if (member.isNumber()) {
        sum = sum == null ? member.decimalValue() : sum.add(member.decimalValue());
      }
    }
    return usdToMicrocents(sum);
  }

  /**
   * Rebuilds a list flattened into indexed attributes, as OpenLLMetry records messages ({@code
   * gen_ai.prompt.0.role = user}, {@code gen_ai.prompt.0.content = Hi}), into JSON text: {@code
   * [{"role":"user","content":"Hi"}]}, ordered by index; the remainder of each key (after {@code
   * <prefix><index>.}) becomes a member name. Null when no key has the form.
   *
   * @param prefix the key prefix including its trailing dot, e.g. {@code gen_ai.prompt.}
   */
  public static String indexedJson(Map<String, Object> attributes, String prefix) {
    TreeMap<Integer, Map<String, Object>> items = new TreeMap<>();
    for (Map.Entry<String, Object> entry : attributes.entrySet()) {
      String key = entry.getKey();
      if (!key.startsWith(prefix) || entry.getValue() == null) {
        continue;
      }
      int dot = key.indexOf('.', prefix.length());
      if (dot <= prefix.length() || dot == key.length() - 1) {
        continue;
      }
      Integer index = index(key.substring(prefix.length(), dot));
      if (index != null) {
        items
            .computeIfAbsent(index, i -> new LinkedHashMap<>())
            .put(key.substring(dot + 1), entry.getValue());
      }
    }
    if (items.isEmpty()) {
      return null;
    }
    try {
      return JSON.writeValueAsString(new ArrayList<>(items.values()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot render indexed attributes as JSON", e);
    }
  }

  /** A finite number or numeric string as a decimal; null otherwise. */
  static BigDecimal decimal(Object value) {
    if (value instanceof BigDecimal decimal) {
      return decimal;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
    }
    if (value instanceof CharSequence text) {
      String trimmed = text.toString().trim();
      if (trimmed.isEmpty() || trimmed.length() > 64) {
        return null;
      }
      try {
        return new BigDecimal(trimmed);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static Long scaled(BigDecimal decimal, BigDecimal factor) {
    if (decimal == null || decimal.signum() < 0) {
      return null;
    }
    try {
      return decimal.multiply(factor).setScale(0, RoundingMode.HALF_UP).longValueExact();
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static JsonNode parseJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static void addTag(Set<String> tags, String tag) {
    String trimmed = tag.trim();
    if (!trimmed.isEmpty()) {
      tags.add(trimmed);
    }
  }

  private static Integer index(String text) {
    if (text.isEmpty() || text.length() > 6) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      if (!Character.isDigit(text.charAt(i))) {
        return null;
      }
    }
    return Integer.valueOf(text);
  }
}

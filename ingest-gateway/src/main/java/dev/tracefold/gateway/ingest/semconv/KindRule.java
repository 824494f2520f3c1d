package dev.tracefold.gateway.ingest.semconv;

import dev.tracefold.schemas.SpanKind;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One span-kind rule of the mapping table: an attribute and the kind each of its values means, or
 * (for inference rules) the kind its mere presence means. Immutable and thread-safe.
 *
 * @param key the attribute key
 * @param kinds kind by lower-case attribute value; empty for a presence rule
 * @param whenPresent the kind of a presence rule; null for a value rule
 */
public record KindRule(String key, Map<String, SpanKind> kinds, SpanKind whenPresent) {
  public KindRule {
    Objects.requireNonNull(key, "key");
    kinds = Map.copyOf(kinds);
  }

  /**
   * A value rule; values are compared case-insensitively (OpenInference writes {@code LLM},
   * Langfuse {@code generation}).
   *
   * @param kinds kind by attribute value
   */
  public static KindRule values(String key, Map<String, SpanKind> kinds) {
    Map<String, SpanKind> lowerCase = new HashMap<>();
    kinds.forEach((value, kind) -> lowerCase.put(value.toLowerCase(Locale.ROOT), kind));
    return new KindRule(key, lowerCase, null);
  }

  /** A presence rule: any non-empty value of {@code key} means {@code kind}. */
  public static KindRule present(String key, SpanKind kind) {
    return new KindRule(key, Map.of(), Objects.requireNonNull(kind, "kind"));
  }

  /** The kind this rule gives the span, or null if it does not apply. */
  public SpanKind apply(SpanView span) {
    String value = AttributeValues.text(span.get(key));
    if (value == null) {
      return null;
    }
    return whenPresent != null ? whenPresent : kinds.get(value.trim().toLowerCase(Locale.ROOT));
  }
}

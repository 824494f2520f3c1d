package dev.tracefold.gateway.ingest;

import dev.tracefold.schemas.SpanKind;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * The one table that maps span attributes onto Tracefold's LLM fields (model, provider, tokens,
 * session, user, kind). Every transport calls it on the span's attributes after they were converted
 * to scalars ({@code String}, {@code Long}, {@code Double}, {@code Boolean}; arrays and maps as
 * JSON text).
 *
 * <p>Each field lists its attribute keys in precedence order; the first key with a usable value
 * wins. A string field needs a non-empty scalar; a token field needs a non-negative integral
 * number, given as an integer, an integral double ({@code 12.0}) or a string ({@code "12"}, {@code
 * "12.0"}). An unusable value falls through to the next key. The kind rules are tried in order; the
 * first that matches decides, else {@link SpanKind#OTHER}.
 *
 * <p>To support another convention (OpenInference, Vercel AI SDK, ...), add its keys to the lists
 * and its kind rules to {@link #KIND_RULES}; ingest-gateway/README.md documents the table with its
 * sources and must be updated alongside.
 *
 * <p>Stateless and thread-safe.
 */
public final class AttributeMapping {
  /** Model: OTel GenAI semantic conventions, requested model first, else the responding model. */
  static final List<String> MODEL_KEYS = List.of("gen_ai.request.model", "gen_ai.response.model");

  /**
   * Provider: {@code gen_ai.provider.name}, else its deprecated predecessor {@code gen_ai.system}.
   */
  static final List<String> PROVIDER_KEYS = List.of("gen_ai.provider.name", "gen_ai.system");

  /** Input tokens; {@code prompt_tokens} is the deprecated name. */
  static final List<String> INPUT_TOKEN_KEYS =
      List.of("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens");

  /** Output tokens; {@code completion_tokens} is the deprecated name. */
  static final List<String> OUTPUT_TOKEN_KEYS =
      List.of("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens");

  /** Session: OTel general {@code session.id}, else the GenAI conversation id. */
  static final List<String> SESSION_KEYS = List.of("session.id", "gen_ai.conversation.id");

  /** User: OTel general {@code user.id}. */
  static final List<String> USER_KEYS = List.of("user.id");

  /** Kind rules, in order: the first match decides. */
  static final List<KindRule> KIND_RULES =
      List.of(
          new KindRule("a model is present", (attributes, model) -> model != null, SpanKind.LLM),
          new KindRule(
              "gen_ai.operation.name = execute_tool",
              (attributes, model) ->
                  "execute_tool".equals(string(attributes, List.of("gen_ai.operation.name"))),
              SpanKind.TOOL));

  private AttributeMapping() {}

  /**
   * Derives the LLM fields from one span's attributes.
   *
   * @param attributes the span's attributes as scalars; must not be null
   * @return the fields; never null
   */
  public static LlmAttributes extract(Map<String, Object> attributes) {
    Objects.requireNonNull(attributes, "attributes");
    String model = string(attributes, MODEL_KEYS);
    return new LlmAttributes(
        kind(attributes, model),
        model,
        string(attributes, PROVIDER_KEYS),
        count(attributes, INPUT_TOKEN_KEYS),
        count(attributes, OUTPUT_TOKEN_KEYS),
        string(attributes, SESSION_KEYS),
        string(attributes, USER_KEYS));
  }

  private static SpanKind kind(Map<String, Object> attributes, String model) {
    for (KindRule rule : KIND_RULES) {
      if (rule.when().test(attributes, model)) {
        return rule.kind();
      }
    }
    return SpanKind.OTHER;
  }

  /** The first non-empty scalar among {@code keys}, as text; null if none. */
  static String string(Map<String, Object> attributes, List<String> keys) {
    for (String key : keys) {
      Object value = attributes.get(key);
      if (value instanceof CharSequence || value instanceof Number || value instanceof Boolean) {
        String text = value.toString();
        if (!text.isEmpty()) {
          return text;
        }
      }
    }
    return null;
  }

  /** The first non-negative integral number among {@code keys}; null if none. */
  static Long count(Map<String, Object> attributes, List<String> keys) {
    for (String key : keys) {
      Long value = toCount(attributes.get(key));
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /**
   * Coerces a value to a non-negative integral count: integers as they are, integral doubles and
   * numeric strings ({@code "12"}, {@code "12.0"}, {@code "1e3"}) when they hold a whole number in
   * range; anything else (fractions, negatives, text, booleans) gives null.
   */
  static Long toCount(Object value) {
    Long number;
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      number = ((Number) value).longValue();
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      number = Double.isFinite(d) ? integral(BigDecimal.valueOf(d)) : null;
    } else if (value instanceof CharSequence text) {
      number = parseIntegral(text.toString().trim());
    } else {
      number = null;
    }
    return number != null && number >= 0 ? number : null;
  }

  private static Long parseIntegral(String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return integral(new BigDecimal(text));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Long integral(BigDecimal decimal) {
    try {
      return decimal.stripTrailingZeros().scale() <= 0 ? decimal.longValueExact() : null;
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /**
   * One kind rule. Immutable.
   *
   * @param description what it matches, for documentation and debugging
   * @param when the test, given the attributes and the derived model (null when absent)
   * @param kind the kind it assigns
   */
  record KindRule(
      String description, BiPredicate<Map<String, Object>, String> when, SpanKind kind) {}
}

package dev.tracefold.gateway.ingest.cost;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A versioned table of model list prices, read from JSON: by default the bundled resource {@value
 * #RESOURCE}, whose {@code version}, {@code source} and per-model {@code source} say where and when
 * the prices were read.
 *
 * <p>Format: {@code {"version": "2026-11-21", "source": "...", "models": [{"model": "gpt-4o",
 * "aliases": ["..."], "provider": "openai", "input": 2.50, "output": 10.00, "cacheRead": 1.25,
 * "cacheWrite": null, "reasoning": null, "source": "https://..."}]}}; prices in USD per 1,000,000
 * tokens, read as exact decimals; {@code input} and {@code output} required, the others optional.
 *
 * <p>Lookup ({@link #find}): the reported id is lower-cased; a path prefix ({@code openai/}, {@code
 * models/}, {@code meta-llama/}) and an AWS Bedrock vendor prefix with optional region ({@code
 * anthropic.}, {@code us.anthropic.}, {@code meta.}) are dropped; then an exact model or alias
 * wins, else the longest listed model that the id extends by version suffixes only: {@code
 * -20241022}, {@code -2024-08-06}, {@code -0613}, {@code -001}, {@code -latest}, {@code @20240620},
 * {@code -v1:0}, in any sequence (so {@code gpt-4o-2024-08-06} is {@code gpt-4o} but {@code
 * gpt-4o-audio-preview}, {@code o3-pro} and {@code claude-opus-4-5} are not {@code gpt-4o}, {@code
 * o3} or {@code claude-opus-4}).
 *
 * <p>Immutable and thread-safe.
 */
public final class ModelPriceTable {
  /** Classpath location of the bundled table. */
  public static final String RESOURCE = "prices/model-prices.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final Pattern PROVIDER_PREFIX =
      Pattern.compile(
          "^(?:(?:us|eu|apac|global|jp|au|ca|us-gov)\\.)?"
              + "(?:anthropic|meta|mistral|amazon|cohere|ai21|deepseek|openai)\\.");
  private static final Pattern VERSION_SUFFIX =
      Pattern.compile("(?:[-@:](?:\\d{8}|\\d{4}-\\d{2}-\\d{2}|\\d{3,4}|latest|v\\d+(?::\\d+)?))+");

  private final String version;
  private final String source;
  private final List<ModelPrice> prices;
  private final Map<String, ModelPrice> byName;

  private ModelPriceTable(String version, String source, List<ModelPrice> prices) {
    this.version = version;
    this.source = source;
    this.prices = List.copyOf(prices);
    Map<String, ModelPrice> names = new HashMap<>();
    for (ModelPrice price : prices) {
      for (String name : names(price)) {
        ModelPrice previous = names.putIfAbsent(name, price);
        if (previous != null) {
          throw new IllegalArgumentException(
              "model price table: '"
                  + name
                  + "' is listed twice ("
                  + previous.model()
                  + ", "
                  + price.model()
                  + ")");
        }
      }
    }
    this.byName = Map.copyOf(names);
  }

  /** The bundled table ({@value #RESOURCE}), read once. */
  public static ModelPriceTable bundled() {
    return Bundled.TABLE;
  }

  /**
   * Reads a table.
   *
   * @param json the table's JSON (see the class comment); not closed
   * @return the table
   * @throws IllegalArgumentException if the JSON is malformed or an entry is invalid, naming the
   *     entry and the problem, e.g. {@code model price table: models[3] (gpt-4o): input must be a
   *     non-negative number}
   * @throws UncheckedIOException if reading fails
   */
  public static ModelPriceTable parse(InputStream json) {
    Objects.requireNonNull(json, "json");
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "model price table: not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root == null || !root.isObject() || !root.path("models").isArray()) {
      throw new IllegalArgumentException(
          "model price table: expected an object with a \"models\" array");
    }
    List<ModelPrice> prices = new ArrayList<>();
    JsonNode models = root.get("models");
    for (int i = 0; i < models.size(); i++) {
      prices.add(price(i, models.get(i)));
    }
    return new ModelPriceTable(
        root.path("version").asText(null), root.path("source").asText(null), prices);
  }

  /** The table's version: the date its prices were read, ISO-8601 ({@code 2026-11-21}). */
  public String version() {
    return version;
  }

  /** Where the prices come from. */
  public String source() {
    return source;
  }

  /** Every entry, in file order. */
  public List<ModelPrice> prices() {
    return prices;
  }

  /**
   * Finds the prices of a reported model id (see the class comment for the matching rules).
   *
   * @param model the id as reported; null or blank finds nothing
   * @return the prices, or empty when the model is not listed
   */
  public Optional<ModelPrice> find(String model) {
    String name = normalize(model);
    if (name == null) {
      return Optional.empty();
    }
    ModelPrice exact = byName.get(name);
    if (exact != null) {
      return Optional.of(exact);
    }
    for (int i = name.length() - 1; i > 0; i--) {
      char c = name.charAt(i);
      if (c == '-' || c == '@' || c == ':') {
        ModelPrice base = byName.get(name.substring(0, i));
        if (base != null && VERSION_SUFFIX.matcher(name.substring(i)).matches()) {
          return Optional.of(base);
        }
      }
    }
    return Optional.empty();
  }

  /** The lookup form of a reported id; null for null or blank. */
  static String normalize(String model) {
    if (model == null || model.isBlank()) {
      return null;
    }
    String name = model.trim().toLowerCase(Locale.ROOT);
    name = name.substring(name.lastIndexOf('/') + 1);
    name = PROVIDER_PREFIX.matcher(name).replaceFirst("");
    return name.isEmpty() ? null : name;
  }

  private static List<String> names(ModelPrice price) {
    List<String> names = new ArrayList<>();
    names.add(price.model());
    names.addAll(price.aliases());
    return names;
  }

  private static ModelPrice price(int index, JsonNode entry) {
    String what = "model price table: models[" + index + "]";
    if (!entry.isObject()
        || !entry.path("model").isTextual()
        || entry.get("model").asText().isBlank()) {
      throw new IllegalArgumentException(what + ": \"model\" must be a non-empty string");
    }
    String model = entry.get("model").asText().trim().toLowerCase(Locale.ROOT);
    what += " (" + model + ")";
    List<String> aliases = new ArrayList<>();
    for (JsonNode alias : entry.path("aliases")) {
      if (!alias.isTextual() || alias.asText().isBlank()) {
        throw new IllegalArgumentException(what + ": aliases must be non-empty strings");
      }
      aliases.add(alias.asText().trim().toLowerCase(Locale.ROOT));
    }
    return new ModelPrice(
        model,
        aliases,
        entry.path("provider").asText(null),
        rate(what, entry, "input", true),
        rate(what, entry, "output", true),
        rate(what, entry, "cacheRead", false),
        rate(what, entry, "cacheWrite", false),
        rate(what, entry, "reasoning", false),
        entry.path("source").asText(null));
  }

  private static BigDecimal rate(String what, JsonNode entry, String name, boolean required) {
    JsonNode value = entry.get(name);
    if (value == null || value.isNull()) {
      if (required) {
        throw new IllegalArgumentException(what + ": " + name + " is required");
      }
      return null;
    }
    if (!value.isNumber() || value.decimalValue().signum() < 0) {
      throw new IllegalArgumentException(what + ": " + name + " must be a non-negative number");
    }
    return value.decimalValue();
  }

  private static final class Bundled {
    static final ModelPriceTable TABLE = load();

    private static ModelPriceTable load() {
      try (InputStream json =
          ModelPriceTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
        if (json == null) {
          throw new IllegalStateException(
              "model price table " + RESOURCE + " is not on the classpath");
        }
        return parse(json);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

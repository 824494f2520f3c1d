package dev.tracefold.gateway.ingest;

import dev.tracefold.gateway.ingest.cost.CostEstimator;
import dev.tracefold.gateway.ingest.cost.TokenUsage;
import dev.tracefold.gateway.ingest.semconv.AdHocConvention;
import dev.tracefold.gateway.ingest.semconv.Convention;
import dev.tracefold.gateway.ingest.semconv.Field;
import dev.tracefold.gateway.ingest.semconv.GenAiConvention;
import dev.tracefold.gateway.ingest.semconv.KindRule;
import dev.tracefold.gateway.ingest.semconv.LangfuseConvention;
import dev.tracefold.gateway.ingest.semconv.OpenInferenceConvention;
import dev.tracefold.gateway.ingest.semconv.OpenLitConvention;
import dev.tracefold.gateway.ingest.semconv.Source;
import dev.tracefold.gateway.ingest.semconv.SpanView;
import dev.tracefold.gateway.ingest.semconv.TraceloopConvention;
import dev.tracefold.gateway.ingest.semconv.VercelAiConvention;
import dev.tracefold.schemas.SpanEvent;
import dev.tracefold.schemas.SpanKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one mapping from span attributes to Tracefold's LLM fields (kind, model, provider, tokens,
 * cost, time to first token, session, user, tags, input, output). Every transport calls it on the
 * span's attributes after they were converted to scalars ({@code String}, {@code Long}, {@code
 * Double}, {@code Boolean}; arrays and maps as JSON text): the OTLP normaliser through {@link
 * #extract(Map, List, long)}, the native JSON converter likewise.
 *
 * <p>The table is the convention families of {@link #CONVENTIONS}, in that precedence order, each
 * listing its {@link Source}s per field in its own order (see the {@code semconv} classes).
 * ingest-gateway/README.md documents it row by row with sources, and a test checks that every key
 * appears there. Rules:
 *
 * <ul>
 *   <li>each field takes the first usable value of its sources; an unusable value (empty text, a
 *       fractional or negative count, unparseable JSON) falls through to the next source;
 *   <li>{@code model} is the requested model, else the responding one;
 *   <li>kind: the first family's kind attribute that names a known kind ({@code
 *       openinference.span.kind}, {@code gen_ai.operation.name}, ...), else an inference rule
 *       ({@code gen_ai.tool.name} present: TOOL), else LLM when a model is present, else OTHER;
 *   <li>spans that only sum their children's usage (Vercel AI SDK {@code ai.generateText} and kin)
 *       get no token counts and no cost;
 *   <li>cost: reported cost first ({@code costIsEstimated} false); else estimated by the {@link
 *       CostEstimator} from the token counts and the responding model, else the requested one
 *       ({@code costIsEstimated} true); null when neither is possible.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class AttributeMapping {
  /** Convention families, in precedence order. */
  public static final List<Convention> CONVENTIONS =
      List.of(
          GenAiConvention.CONVENTION,
          OpenInferenceConvention.CONVENTION,
          VercelAiConvention.CONVENTION,
          TraceloopConvention.CONVENTION,
          LangfuseConvention.CONVENTION,
          OpenLitConvention.CONVENTION,
          AdHocConvention.CONVENTION);

  /** Sources by field across all families, in precedence order: the table, indexed once. */
  private static final Map<Field<?>, List<Source<?>>> TABLE = table();

  private static final List<KindRule> KIND_RULES = kindRules();
  private static final AttributeMapping BUNDLED = new AttributeMapping(CostEstimator.bundled());

  private final CostEstimator costEstimator;

  /**
   * @param costEstimator estimates costs that no attribute reports
   */
  public AttributeMapping(CostEstimator costEstimator) {
    this.costEstimator = Objects.requireNonNull(costEstimator, "costEstimator");
  }

  /** The mapping with the bundled price table. */
  public static AttributeMapping bundled() {
    return BUNDLED;
  }

  /**
   * Derives the LLM fields from one span's attributes alone: no event or start time is known, so
   * the time to first token comes only from duration attributes.
   *
   * @param attributes the span's attributes as scalars; must not be null
   * @return the fields; never null
   */
  public static LlmAttributes extract(Map<String, Object> attributes) {
    return BUNDLED.map(new SpanView(attributes, List.of(), null));
  }

  /**
   * Derives the LLM fields from one span, with the bundled price table.
   *
   * @param attributes the span's attributes as scalars; must not be null
   * @param events the span's events (first-token events, deprecated GenAI content events); must not
   *     be null
   * @param startEpochNanos the span's start, nanoseconds since the Unix epoch
   * @return the fields; never null
   */
  public static LlmAttributes extract(
      Map<String, Object> attributes, List<SpanEvent> events, long startEpochNanos) {
    return BUNDLED.map(new SpanView(attributes, events, startEpochNanos));
  }

  /**
   * Derives the LLM fields from one span.
   *
   * @param span the span's attributes, events and start; must not be null
   * @return the fields; never null
   */
  public LlmAttributes map(SpanView span) {
    Objects.requireNonNull(span, "span");
    String requestModel = first(span, Field.MODEL);
    String responseModel = first(span, Field.RESPONSE_MODEL);
    String model = requestModel != null ? requestModel : responseModel;
    boolean aggregate = aggregatesChildUsage(span);
    TokenUsage usage =
        aggregate
            ? new TokenUsage(null, null, null, null, null)
            : new TokenUsage(
                first(span, Field.INPUT_TOKENS),
                first(span, Field.OUTPUT_TOKENS),
                first(span, Field.CACHE_READ_TOKENS),
                first(span, Field.CACHE_WRITE_TOKENS),
                first(span, Field.REASONING_TOKENS));
    Long cost = aggregate ? null : first(span, Field.REPORTED_COST_MICROCENTS);
    boolean costIsEstimated = false;
    if (cost == null && usage.hasCounts()) {
      cost = estimate(responseModel, usage);
      if (cost == null && requestModel != null) {
        cost = estimate(requestModel, usage);
      }
      costIsEstimated = cost != null;
    }
    List<String> tags = first(span, Field.TAGS);
    return new LlmAttributes(
        kind(span, model),
        model,
        first(span, Field.PROVIDER),
        usage.inputTokens(),
        usage.outputTokens(),
        usage.cacheReadTokens(),
        usage.cacheWriteTokens(),
        usage.reasoningTokens(),
        cost,
        costIsEstimated,
        first(span, Field.TIME_TO_FIRST_TOKEN_NANOS),
        first(span, Field.SESSION_ID),
        first(span, Field.USER_ID),
        tags == null ? List.of() : tags,
        first(span, Field.INPUT),
        first(span, Field.OUTPUT));
  }

  /** The sources of {@code field} across all families, in precedence order. */
  @SuppressWarnings("unchecked") // TABLE files each source under its own field
  public static <T> List<Source<T>> sources(Field<T> field) {
    return (List<Source<T>>) (List<?>) TABLE.getOrDefault(field, List.of());
  }

  /** Every kind rule, in the order tried: each family's explicit rules, then inference rules. */
  public static List<KindRule> kindRules() {
    List<KindRule> rules = new ArrayList<>();
    CONVENTIONS.forEach(convention -> rules.addAll(convention.kindRules()));
    CONVENTIONS.forEach(convention -> rules.addAll(convention.inferredKindRules()));
    return List.copyOf(rules);
  }

  private Long estimate(String model, TokenUsage usage) {
    return model == null ? null : costEstimator.estimateMicrocents(model, usage);
  }

  private static <T> T first(SpanView span, Field<T> field) {
    for (Source<T> source : sources(field)) {
      T value = source.read(span);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static Map<Field<?>, List<Source<?>>> table() {
    Map<Field<?>, List<Source<?>>> table = new HashMap<>();
    for (Convention convention : CONVENTIONS) {
      for (Source<?> source : convention.sources()) {
        table.computeIfAbsent(source.field(), field -> new ArrayList<>()).add(source);
      }
    }
    table.replaceAll((field, sources) -> List.copyOf(sources));
    return Map.copyOf(table);
  }

  private static SpanKind kind(SpanView span, String model) {
    for (KindRule rule : KIND_RULES) {
      SpanKind kind = rule.apply(span);
      if (kind != null) {
        return kind;
      }
    }
    return model != null ? SpanKind.LLM : SpanKind.OTHER;
  }

  private static boolean aggregatesChildUsage(SpanView span) {
    for (Convention convention : CONVENTIONS) {
      if (convention.aggregatesChildUsage().test(span)) {
        return true;
      }
    }
    return false;
  }
}

package dev.tracefold.gateway.ingest.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * Estimates a model call's cost from its token counts and a {@link ModelPriceTable}.
 *
 * <p>Arithmetic: prices are exact decimals in USD per 1,000,000 tokens; since 1 USD = 100,000,000
 * microcents, one token at price {@code p} costs {@code p × 100} microcents (fractional for prices
 * with more than two decimals, e.g. 7.5 microcents at 0.075 USD). The cost is
 *
 * <pre>
 *   100 × ( max(0, input − cacheRead − cacheWrite) × inputPrice
 *         + cacheRead × cacheReadPrice   (inputPrice when none is listed)
 *         + cacheWrite × cacheWritePrice (inputPrice when none is listed)
 *         + max(0, output − reasoning) × outputPrice
 *         + reasoning × reasoningPrice   (outputPrice when none is listed) )
 * </pre>
 *
 * computed in {@link BigDecimal} without rounding, then rounded half-up once to whole microcents.
 * Missing counts are 0. Long-context tiers, batch and priority tiers, audio/image tokens and tool
 * fees are not modelled.
 *
 * <p>Immutable and thread-safe.
 */
public final class CostEstimator {
  private static final BigDecimal MICROCENTS_PER_USD_PER_MILLION = BigDecimal.valueOf(100);

  private final ModelPriceTable table;

  /**
   * @param table the prices to use
   */
  public CostEstimator(ModelPriceTable table) {
    this.table = Objects.requireNonNull(table, "table");
  }

  /** An estimator over {@link ModelPriceTable#bundled()}. */
  public static CostEstimator bundled() {
    return Holder.BUNDLED;
  }

  /** The price table in use. */
  public ModelPriceTable table() {
    return table;
  }

  /**
   * Estimates the cost of a call.
   *
   * @param model the model id as reported (any case, dated or prefixed; see {@link
   *     ModelPriceTable#find}); may be null
   * @param usage the call's token counts; must not be null
   * @return the cost in microcents (1 USD = 100,000,000), or null when the model is null or not in
   *     the table, or the usage has neither input nor output tokens, or the cost exceeds a {@code
   *     long}
   */
  public Long estimateMicrocents(String model, TokenUsage usage) {
    Objects.requireNonNull(usage, "usage");
    if (!usage.hasCounts()) {
      return null;
    }
    ModelPrice price = table.find(model).orElse(null);
    if (price == null) {
      return null;
    }
    try {
      return microcents(price, usage);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /**
   * The cost of {@code usage} at {@code price}, in microcents (see the class comment).
   *
   * @throws ArithmeticException if it exceeds a {@code long}
   */
  static long microcents(ModelPrice price, TokenUsage usage) {
    long cacheRead = orZero(usage.cacheReadTokens());
    long cacheWrite = orZero(usage.cacheWriteTokens());
    long reasoning = orZero(usage.reasoningTokens());
    long uncachedInput =
        Math.max(
            0,
            Math.subtractExact(
                Math.subtractExact(orZero(usage.inputTokens()), cacheRead), cacheWrite));
    long textOutput = Math.max(0, Math.subtractExact(orZero(usage.outputTokens()), reasoning));
    BigDecimal input = price.inputUsdPerMillion();
    BigDecimal output = price.outputUsdPerMillion();
    BigDecimal usdPerMillionTokens =
        times(uncachedInput, input)
            .add(times(cacheRead, orElse(price.cacheReadUsdPerMillion(), input)))
            .add(times(cacheWrite, orElse(price.cacheWriteUsdPerMillion(), input)))
            .add(times(textOutput, output))
            .add(times(reasoning, orElse(price.reasoningUsdPerMillion(), output)));
    return usdPerMillionTokens
        .multiply(MICROCENTS_PER_USD_PER_MILLION)
        .setScale(0, RoundingMode.HALF_UP)
        .longValueExact();
  }

  private static BigDecimal times(long tokens, BigDecimal usdPerMillion) {
    return BigDecimal.valueOf(tokens).multiply(usdPerMillion);
  }

  private static BigDecimal orElse(BigDecimal value, BigDecimal fallback) {
    return value != null ? value : fallback;
  }

  private static long orZero(Long value) {
    return value == null ? 0L : value;
  }

  private static final class Holder {
    static final CostEstimator BUNDLED = new CostEstimator(ModelPriceTable.bundled());
  }
}

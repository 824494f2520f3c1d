package dev.tracefold.gateway.ingest.cost;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * List prices of one model, in US dollars per 1,000,000 tokens (standard tier, short context).
 * Immutable.
 *
 * @param model the model id as the provider's API names it, lower case
 * @param aliases other exact ids with the same prices, lower case
 * @param provider the provider whose price this is (documentation only)
 * @param inputUsdPerMillion uncached input tokens
 * @param outputUsdPerMillion output tokens
 * @param cacheReadUsdPerMillion input tokens read from a prompt cache; null when the provider lists
 *     none (they are then priced as uncached input)
 * @param cacheWriteUsdPerMillion input tokens written to a prompt cache (Anthropic: the 5-minute
 *     write price); null when the provider charges no premium (priced as uncached input)
 * @param reasoningUsdPerMillion reasoning tokens; null when billed as output, as every listed
 *     provider does today
 * @param source where the prices were read
 */
public record ModelPrice(
    String model,
    List<String> aliases,
    String provider,
    BigDecimal inputUsdPerMillion,
    BigDecimal outputUsdPerMillion,
    BigDecimal cacheReadUsdPerMillion,
    BigDecimal cacheWriteUsdPerMillion,
    BigDecimal reasoningUsdPerMillion,
    String source) {
  public ModelPrice {
    Objects.requireNonNull(model, "model");
    aliases = List.copyOf(aliases);
    Objects.requireNonNull(inputUsdPerMillion, "inputUsdPerMillion");
    Objects.requireNonNull(outputUsdPerMillion, "outputUsdPerMillion");
  }
}

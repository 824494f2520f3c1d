package dev.tracefold.gateway.ingest.cost;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Costs checked by hand: microcents = 100 × Σ tokens × USD-per-1M price (1 USD = 100,000,000
 * microcents), rounded half-up once.
 */
class CostEstimatorTest {
  private final CostEstimator estimator = CostEstimator.bundled();

  private static TokenUsage usage(
      Long input, Long output, Long cacheRead, Long cacheWrite, Long reasoning) {
    return new TokenUsage(input, output, cacheRead, cacheWrite, reasoning);
  }

  @Test
  void pricesInputAndOutput() {
    // gpt-4o: 1000 × 2.50 + 500 × 10.00 = 7500 → 750,000 microcents ($0.0075)
    assertThat(
            estimator.estimateMicrocents("gpt-4o-2024-08-06", usage(1000L, 500L, null, null, null)))
        .isEqualTo(750_000L);
  }

  @Test
  void pricesCachedInputAtTheCacheReadRate() {
    // gpt-4o: (2000 − 1500) × 2.50 + 1500 × 1.25 + 100 × 10.00 = 1250 + 1875 + 1000 = 4125
    assertThat(estimator.estimateMicrocents("gpt-4o", usage(2000L, 100L, 1500L, null, null)))
        .isEqualTo(412_500L);
  }

  @Test
  void pricesAnthropicCacheReadsAndWrites() {
    // claude-sonnet-4-5: (10000 − 6000 − 2000) × 3 + 6000 × 0.30 + 2000 × 3.75 + 1000 × 15
    //   = 6000 + 1800 + 7500 + 15000 = 30300 → 3,030,000 microcents ($0.0303)
    assertThat(
            estimator.estimateMicrocents(
                "claude-sonnet-4-5-20250929", usage(10_000L, 1000L, 6000L, 2000L, null)))
        .isEqualTo(3_030_000L);
  }

  @Test
  void pricesReasoningAsOutputWhenNoReasoningRateIsListed() {
    // o4-mini: 100 × 1.10 + (1000 − 800) × 4.40 + 800 × 4.40 = 110 + 880 + 3520 = 4510
    assertThat(estimator.estimateMicrocents("o4-mini", usage(100L, 1000L, null, null, 800L)))
        .isEqualTo(451_000L);
  }

  @Test
  void pricesReasoningAtItsOwnRateWhenListed() {
    CostEstimator custom =
        new CostEstimator(
            ModelPriceTableTest.parse(
                "{\"models\": [{\"model\": \"r1\", \"input\": 1, \"output\": 2, \"reasoning\":"
                    + " 3}]}"));
    // (10 − 4) × 2 + 4 × 3 = 24 → 2400
    assertThat(custom.estimateMicrocents("r1", usage(null, 10L, null, null, 4L))).isEqualTo(2400L);
  }

  @Test
  void pricesCacheWritesAsInputWhenNoWriteRateIsListed() {
    // gpt-4o: 100 × 2.50 = 250 → 25,000
    assertThat(estimator.estimateMicrocents("gpt-4o", usage(100L, null, null, 100L, null)))
        .isEqualTo(25_000L);
  }

  @Test
  void roundsHalfUpOnceAfterSummingFractionalMicrocents() {
    // gpt-4o-mini cached input: 1 × 0.075 × 100 = 7.5 → 8
    assertThat(estimator.estimateMicrocents("gpt-4o-mini", usage(1L, null, 1L, null, null)))
        .isEqualTo(8L);
    // gemini-1.5-flash: 1 × 0.075 × 100 + 1 × 0.01875 × 100 = 7.5 + 1.875 = 9.375 → 9
    // (rounding each part first would give 8 + 2 = 10)
    assertThat(estimator.estimateMicrocents("gemini-1.5-flash", usage(2L, 0L, 1L, null, null)))
        .isEqualTo(9L);
  }

  @Test
  void cacheCountsAboveTheInputCountLeaveNoUncachedInput() {
    // gpt-4o: max(0, 100 − 150) × 2.50 + 150 × 1.25 = 187.5 → 18,750
    assertThat(estimator.estimateMicrocents("gpt-4o", usage(100L, null, 150L, null, null)))
        .isEqualTo(18_750L);
  }

  @Test
  void unknownModelNoModelOrNoCountsGiveNull() {
    assertThat(estimator.estimateMicrocents("my-fine-tune", usage(10L, 10L, null, null, null)))
        .isNull();
    assertThat(estimator.estimateMicrocents(null, usage(10L, 10L, null, null, null))).isNull();
    assertThat(estimator.estimateMicrocents("gpt-4o", usage(null, null, 5L, null, null))).isNull();
  }

  @Test
  void aCostBeyondALongGivesNull() {
    assertThat(estimator.estimateMicrocents("gpt-4", usage(Long.MAX_VALUE, null, null, null, null)))
        .isNull();
  }
}

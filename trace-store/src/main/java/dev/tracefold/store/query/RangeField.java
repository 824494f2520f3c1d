package dev.tracefold.store.query;

import dev.tracefold.schemas.TraceRollup;
import java.util.function.Function;

/**
 * The trace figures a {@link TraceFilter} can bound with a {@link LongRange}. The API spells each
 * as {@code min_<name>} / {@code max_<name>} (both inclusive). A trace whose figure is absent
 * (cost, time to first token) is outside every range.
 */
public enum RangeField {
  /** Trace duration, nanoseconds ({@link TraceRollup#getDurationNanos()}). */
  DURATION_NANOS("duration_nanos", TraceRollup::getDurationNanos),
  /** Time to first token, nanoseconds; absent when no LLM span reports one. */
  TTFT_NANOS("ttft_nanos", TraceRollup::getTimeToFirstTokenNanos),
  /** Cost in microcents (1 USD = 100,000,000); absent when no span has a cost. */
  COST_MICROCENTS("cost_microcents", TraceRollup::getCostMicrocents),
  /** Number of spans. */
  SPAN_COUNT("span_count", r -> (long) r.getSpanCount()),
  /** Number of spans with status ERROR. */
  ERROR_COUNT("error_count", r -> (long) r.getErrorCount()),
  /** Input (prompt) tokens summed over spans. */
  INPUT_TOKENS("input_tokens", TraceRollup::getInputTokens),
  /** Output (completion) tokens summed over spans. */
  OUTPUT_TOKENS("output_tokens", TraceRollup::getOutputTokens);

  private final String wireName;
  private final Function<TraceRollup, Long> value;

  RangeField(String wireName, Function<TraceRollup, Long> value) {
    this.wireName = wireName;
    this.value = value;
  }

  /** The name without prefix, e.g. {@code duration_nanos}. */
  public String wireName() {
    return wireName;
  }

  /** The figure of a rollup; null when absent. */
  public Long valueOf(TraceRollup rollup) {
    return value.apply(rollup);
  }
}

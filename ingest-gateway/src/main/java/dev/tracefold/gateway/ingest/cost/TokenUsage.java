package dev.tracefold.gateway.ingest.cost;

/**
 * Token counts of one model call, as the OpenTelemetry GenAI conventions define them: {@code
 * inputTokens} includes the cache reads and writes, {@code outputTokens} includes the reasoning
 * tokens. Any count may be null (unknown). Immutable.
 *
 * @param inputTokens input (prompt) tokens
 * @param outputTokens output (completion) tokens
 * @param cacheReadTokens input tokens read from a prompt cache
 * @param cacheWriteTokens input tokens written to a prompt cache
 * @param reasoningTokens output tokens spent on reasoning
 */
public record TokenUsage(
    Long inputTokens,
    Long outputTokens,
    Long cacheReadTokens,
    Long cacheWriteTokens,
    Long reasoningTokens) {

  /** True when there is an input or output count to price. */
  public boolean hasCounts() {
    return inputTokens != null || outputTokens != null;
  }
}

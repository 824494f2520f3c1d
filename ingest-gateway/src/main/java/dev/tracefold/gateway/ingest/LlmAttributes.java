package dev.tracefold.gateway.ingest;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import java.util.List;
import java.util.Objects;

/**
 * The LLM fields {@link AttributeMapping} derived from one span. Immutable; any field but {@code
 * kind}, {@code costIsEstimated} and {@code tags} may be null when no convention carried it.
 *
 * @param kind the LLM-application span kind; never null
 * @param model model name (requested, else responding)
 * @param provider model provider as the instrumentation names it
 * @param inputTokens input (prompt) tokens, cache reads and writes included
 * @param outputTokens output (completion) tokens, reasoning included
 * @param cacheReadTokens input tokens read from a prompt cache
 * @param cacheWriteTokens input tokens written to a prompt cache
 * @param reasoningTokens output tokens spent on reasoning
 * @param costMicrocents cost in microcents (1 USD = 100,000,000): reported, else estimated
 * @param costIsEstimated true when {@code costMicrocents} was estimated from the price table
 * @param timeToFirstTokenNanos from span start (or request issue) to the first streamed token
 * @param sessionId session (conversation, thread) id
 * @param userId end-user id
 * @param tags tags, distinct, in the order given; never null
 * @param input the span's input as text
 * @param output the span's output as text
 */
public record LlmAttributes(
    SpanKind kind,
    String model,
    String provider,
    Long inputTokens,
    Long outputTokens,
    Long cacheReadTokens,
    Long cacheWriteTokens,
    Long reasoningTokens,
    Long costMicrocents,
    boolean costIsEstimated,
    Long timeToFirstTokenNanos,
    String sessionId,
    String userId,
    List<String> tags,
    String input,
    String output) {
  public LlmAttributes {
    Objects.requireNonNull(kind, "kind");
    tags = List.copyOf(tags);
  }

  /**
   * Sets every one of these fields on a span being built (nulls included, so the builder holds
   * exactly this mapping).
   *
   * @return {@code span}
   */
  public Span.Builder applyTo(Span.Builder span) {
    return span.setKind(kind)
        .setModel(model)
        .setProvider(provider)
        .setInputTokens(inputTokens)
        .setOutputTokens(outputTokens)
        .setCacheReadTokens(cacheReadTokens)
        .setCacheWriteTokens(cacheWriteTokens)
        .setReasoningTokens(reasoningTokens)
        .setCostMicrocents(costMicrocents)
        .setCostIsEstimated(costIsEstimated)
        .setTimeToFirstTokenNanos(timeToFirstTokenNanos)
        .setSessionId(sessionId)
        .setUserId(userId)
        .setTags(tags)
        .setInput(input)
        .setOutput(output);
  }
}

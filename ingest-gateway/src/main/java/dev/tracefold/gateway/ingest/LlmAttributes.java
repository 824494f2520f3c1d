package dev.tracefold.gateway.ingest;

import dev.tracefold.schemas.SpanKind;

/**
 * The LLM fields {@link AttributeMapping} derived from a span's attributes. Immutable; any field
 * may be null when no attribute carried it.
 *
 * @param kind the LLM-application span kind; never null
 * @param model model name
 * @param provider model provider
 * @param inputTokens prompt tokens
 * @param outputTokens completion tokens
 * @param sessionId session (conversation) id
 * @param userId end-user id
 */
public record LlmAttributes(
    SpanKind kind,
    String model,
    String provider,
    Long inputTokens,
    Long outputTokens,
    String sessionId,
    String userId) {}

package dev.tracefold.gateway.ingest.semconv;

import static dev.tracefold.gateway.ingest.semconv.Source.count;
import static dev.tracefold.gateway.ingest.semconv.Source.text;

import dev.tracefold.schemas.SpanKind;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Vercel AI SDK telemetry ({@code ai.*} attributes), AI SDK 3 to 6: <a
 * href="https://ai-sdk.dev/docs/ai-sdk-core/telemetry">ai-sdk.dev/docs/ai-sdk-core/telemetry</a>
 * ("Collected data") and the SDK source ({@code packages/ai/src/generate-text}), which since AI SDK
 * 5 writes {@code ai.usage.inputTokens} / {@code outputTokens} (before: {@code promptTokens} /
 * {@code completionTokens}) and since AI SDK 6 the {@code ai.usage.inputTokenDetails.*} / {@code
 * outputTokenDetails.*} breakdowns. Session, user and tags come from {@code telemetry.metadata}
 * under the names Langfuse's AI SDK integration documents ({@code sessionId}, {@code userId},
 * {@code tags}).
 *
 * <p>Kinds by {@code ai.operationId} follow OpenInference's Vercel mapping (openinference-vercel
 * {@code VercelSDKFunctionNameToSpanKindMap}). The outer spans ({@code ai.generateText}, {@code
 * ai.streamText}, ...) carry the summed usage of their provider calls ({@code
 * ai.generateText.doGenerate}, ...), which carry it again: they are marked as aggregating child
 * usage, so a trace counts each call once.
 */
public final class VercelAiConvention {
  /** {@code ai.operationId} to kind. */
  static final Map<String, SpanKind> OPERATION_KINDS =
      Map.ofEntries(
          Map.entry("ai.generateText", SpanKind.AGENT),
          Map.entry("ai.streamText", SpanKind.AGENT),
          Map.entry("ai.generateObject", SpanKind.AGENT),
          Map.entry("ai.streamObject", SpanKind.AGENT),
          Map.entry("ai.generateText.doGenerate", SpanKind.LLM),
          Map.entry("ai.streamText.doStream", SpanKind.LLM),
          Map.entry("ai.generateObject.doGenerate", SpanKind.LLM),
          Map.entry("ai.streamObject.doStream", SpanKind.LLM),
          Map.entry("ai.embed", SpanKind.CHAIN),
          Map.entry("ai.embedMany", SpanKind.CHAIN),
          Map.entry("ai.embed.doEmbed", SpanKind.EMBEDDING),
          Map.entry("ai.embedMany.doEmbed", SpanKind.EMBEDDING),
          Map.entry("ai.toolCall", SpanKind.TOOL));

  /** Outer operations whose usage is the sum of their provider calls'. */
  static final Set<String> AGGREGATING_OPERATIONS =
      Set.of(
          "ai.generateText",
          "ai.streamText",
          "ai.generateObject",
          "ai.streamObject",
          "ai.embed",
          "ai.embedMany");

  /** The family's table rows. */
  public static final Convention CONVENTION =
      new Convention(
          "Vercel AI SDK",
          List.of(
              text(Field.MODEL, "ai.model.id"),
              text(Field.RESPONSE_MODEL, "ai.response.model"),
              text(Field.PROVIDER, "ai.model.provider"),
              count(Field.INPUT_TOKENS, "ai.usage.inputTokens"),
              count(Field.INPUT_TOKENS, "ai.usage.promptTokens"),
              count(Field.INPUT_TOKENS, "ai.usage.tokens"),
              count(Field.OUTPUT_TOKENS, "ai.usage.outputTokens"),
              count(Field.OUTPUT_TOKENS, "ai.usage.completionTokens"),
              count(Field.CACHE_READ_TOKENS, "ai.usage.inputTokenDetails.cacheReadTokens"),
              count(Field.CACHE_READ_TOKENS, "ai.usage.cachedInputTokens"),
              count(Field.CACHE_WRITE_TOKENS, "ai.usage.inputTokenDetails.cacheWriteTokens"),
              count(Field.REASONING_TOKENS, "ai.usage.outputTokenDetails.reasoningTokens"),
              count(Field.REASONING_TOKENS, "ai.usage.reasoningTokens"),
              Source.millis("ai.response.msToFirstChunk"),
              Source.millis("ai.stream.msToFirstChunk"),
              Source.firstTokenEvent("ai.stream.firstChunk"),
              text(Field.SESSION_ID, "ai.telemetry.metadata.sessionId"),
              text(Field.USER_ID, "ai.telemetry.metadata.userId"),
              Source.tags("ai.telemetry.metadata.tags"),
              text(Field.INPUT, "ai.prompt.messages"),
              text(Field.INPUT, "ai.prompt"),
              text(Field.INPUT, "ai.toolCall.args"),
              text(Field.OUTPUT, "ai.response.text"),
              text(Field.OUTPUT, "ai.response.object"),
              text(Field.OUTPUT, "ai.response.toolCalls"),
              text(Field.OUTPUT, "ai.toolCall.result"),
              text(Field.OUTPUT, "ai.result.text"),
              text(Field.OUTPUT, "ai.result.object"),
              text(Field.OUTPUT, "ai.result.toolCalls")),
          List.of(KindRule.values("ai.operationId", OPERATION_KINDS)),
          List.of(),
          VercelAiConvention::aggregatesChildUsage);

  private VercelAiConvention() {}

  private static boolean aggregatesChildUsage(SpanView span) {
    String operation = AttributeValues.text(span.get("ai.operationId"));
    return operation != null && AGGREGATING_OPERATIONS.contains(operation);
  }
}

package dev.tracefold.gateway.ingest;

import static dev.tracefold.gateway.ingest.SpanData.attributes;
import static dev.tracefold.gateway.ingest.SpanData.event;
import static dev.tracefold.gateway.ingest.SpanData.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.SpanKind;
import org.junit.jupiter.api.Test;

/**
 * Span attribute sets as the Vercel AI SDK's telemetry writes them ({@code experimental_telemetry:
 * {isEnabled: true, functionId, metadata}}): AI SDK 6 {@code streamText} with its provider call and
 * a tool call, AI SDK 4 {@code generateText}, AI SDK 3 {@code streamText}, and embeddings.
 */
class VercelAiMappingTest {
  private static final String PROMPT =
      "{\"system\":\"You are a support agent.\",\"messages\":[{\"role\":\"user\","
          + "\"content\":[{\"type\":\"text\",\"text\":\"Where is order A1?\"}]}]}";
  private static final String PROMPT_MESSAGES =
      "[{\"role\":\"system\",\"content\":\"You are a support agent.\"},{\"role\":\"user\","
          + "\"content\":[{\"type\":\"text\",\"text\":\"Where is order A1?\"}]}]";
  private static final String TOOL_CALLS =
      "[{\"toolCallType\":\"function\",\"toolCallId\":\"call_1\",\"toolName\":\"lookupOrder\","
          + "\"args\":\"{\\\"orderId\\\":\\\"A1\\\"}\"}]";

  @Test
  void streamTextOuterSpanIsAnAgentWithoutItsChildrensUsage() {
    LlmAttributes llm =
        map(
            attributes(
                "operation.name", "ai.streamText support-chat",
                "ai.operationId", "ai.streamText",
                "resource.name", "support-chat",
                "ai.model.id", "gpt-4o",
                "ai.model.provider", "openai.chat",
                "ai.settings.maxRetries", 2L,
                "ai.telemetry.functionId", "support-chat",
                "ai.telemetry.metadata.sessionId", "sess-9",
                "ai.telemetry.metadata.userId", "user-3",
                "ai.telemetry.metadata.tags", "[\"vip\",\"web\"]",
                "ai.prompt", PROMPT,
                "ai.response.text", "Order A1 shipped yesterday.",
                "ai.response.finishReason", "stop",
                "ai.response.msToFirstChunk", 180.5,
                "ai.usage.inputTokens", 3000L,
                "ai.usage.outputTokens", 400L,
                "ai.usage.totalTokens", 3400L));

    assertThat(llm.kind()).isEqualTo(SpanKind.AGENT);
    assertThat(llm.model()).isEqualTo("gpt-4o");
    assertThat(llm.provider()).isEqualTo("openai.chat");
    assertThat(llm.inputTokens()).isNull();
    assertThat(llm.outputTokens()).isNull();
    assertThat(llm.costMicrocents()).isNull();
    assertThat(llm.costIsEstimated()).isFalse();
    assertThat(llm.timeToFirstTokenNanos()).isEqualTo(180_500_000L);
    assertThat(llm.sessionId()).isEqualTo("sess-9");
    assertThat(llm.userId()).isEqualTo("user-3");
    assertThat(llm.tags()).containsExactly("vip", "web");
    assertThat(llm.input()).isEqualTo(PROMPT);
    assertThat(llm.output()).isEqualTo("Order A1 shipped yesterday.");
  }

  @Test
  void doStreamSpanIsTheLlmCallWithUsageCacheAndFirstChunk() {
    LlmAttributes llm =
        map(
            attributes(
                "operation.name", "ai.streamText.doStream support-chat",
                "ai.operationId", "ai.streamText.doStream",
                "ai.model.id", "gpt-4o",
                "ai.model.provider", "openai.chat",
                "ai.telemetry.functionId", "support-chat",
                "ai.telemetry.metadata.sessionId", "sess-9",
                "ai.prompt.messages", PROMPT_MESSAGES,
                "ai.prompt.toolChoice", "{\"type\":\"auto\"}",
                "ai.response.text", "",
                "ai.response.toolCalls", TOOL_CALLS,
                "ai.response.finishReason", "tool-calls",
                "ai.response.id", "chatcmpl-XYZ",
                "ai.response.model", "gpt-4o-2024-08-06",
                "ai.response.timestamp", "2026-11-21T09:00:01.000Z",
                "ai.response.msToFirstChunk", 412.3,
                "ai.response.msToFinish", 1650.0,
                "ai.usage.inputTokens", 1500L,
                "ai.usage.inputTokenDetails.noCacheTokens", 476L,
                "ai.usage.inputTokenDetails.cacheReadTokens", 1024L,
                "ai.usage.outputTokens", 60L,
                "ai.usage.outputTokenDetails.textTokens", 60L,
                "ai.usage.totalTokens", 1560L,
                "ai.usage.cachedInputTokens", 1024L,
                "gen_ai.system", "openai.chat",
                "gen_ai.request.model", "gpt-4o",
                "gen_ai.response.finish_reasons", "[\"tool-calls\"]",
                "gen_ai.response.id", "chatcmpl-XYZ",
                "gen_ai.response.model", "gpt-4o-2024-08-06",
                "gen_ai.usage.input_tokens", 1500L,
                "gen_ai.usage.output_tokens", 60L),
            event("ai.stream.firstChunk", 415_000_000L, "ai.response.msToFirstChunk", 412.3),
            event("ai.stream.finish", 1_650_000_000L));

    assertThat(llm.kind()).isEqualTo(SpanKind.LLM);
    assertThat(llm.model()).isEqualTo("gpt-4o");
    assertThat(llm.provider()).isEqualTo("openai.chat");
    assertThat(llm.inputTokens()).isEqualTo(1500L);
    assertThat(llm.outputTokens()).isEqualTo(60L);
    assertThat(llm.cacheReadTokens()).isEqualTo(1024L);
    assertThat(llm.cacheWriteTokens()).isNull();
    assertThat(llm.reasoningTokens()).isNull();
    // gpt-4o-2024-08-06: 476 × 2.50 + 1024 × 1.25 + 60 × 10 = 1190 + 1280 + 600 = 3070 → 307,000
    assertThat(llm.costMicrocents()).isEqualTo(307_000L);
    assertThat(llm.costIsEstimated()).isTrue();
    assertThat(llm.timeToFirstTokenNanos()).isEqualTo(412_300_000L);
    assertThat(llm.sessionId()).isEqualTo("sess-9");
    assertThat(llm.input()).isEqualTo(PROMPT_MESSAGES);
    assertThat(llm.output()).as("empty text falls through to the tool calls").isEqualTo(TOOL_CALLS);
  }

  @Test
  void toolCallSpan() {
    LlmAttributes llm =
        map(
            attributes(
                "operation.name", "ai.toolCall support-chat",
                "ai.operationId", "ai.toolCall",
                "ai.toolCall.name", "lookupOrder",
                "ai.toolCall.id", "call_1",
                "ai.toolCall.args", "{\"orderId\":\"A1\"}",
                "ai.toolCall.result", "{\"status\":\"shipped\"}"));

    assertThat(llm.kind()).isEqualTo(SpanKind.TOOL);
    assertThat(llm.input()).isEqualTo("{\"orderId\":\"A1\"}");
    assertThat(llm.output()).isEqualTo("{\"status\":\"shipped\"}");
  }

  @Test
  void aiSdk4GenerateTextProviderCall() {
    LlmAttributes llm =
        map(
            attributes(
                "ai.operationId", "ai.generateText.doGenerate",
                "ai.model.id", "claude-3-5-haiku-latest",
                "ai.model.provider", "anthropic.messages",
                "ai.usage.promptTokens", 30L,
                "ai.usage.completionTokens", 12L,
                "ai.response.text", "Done.",
                "gen_ai.system", "anthropic.messages",
                "gen_ai.request.model", "claude-3-5-haiku-latest",
                "gen_ai.usage.prompt_tokens", 30L,
                "gen_ai.usage.completion_tokens", 12L));

    assertThat(llm.kind()).isEqualTo(SpanKind.LLM);
    assertThat(llm.inputTokens()).isEqualTo(30L);
    assertThat(llm.outputTokens()).isEqualTo(12L);
    // claude-3-5-haiku: 30 × 0.80 + 12 × 4 = 72 → 7200
    assertThat(llm.costMicrocents()).isEqualTo(7200L);
    assertThat(llm.output()).isEqualTo("Done.");
  }

  @Test
  void aiSdk3StreamTextProviderCall() {
    LlmAttributes llm =
        map(
            attributes(
                "ai.operationId", "ai.streamText.doStream",
                "ai.model.id", "gpt-4-turbo",
                "ai.model.provider", "openai.chat",
                "ai.usage.promptTokens", 100L,
                "ai.usage.completionTokens", 20L,
                "ai.stream.msToFirstChunk", 250L,
                "ai.result.text", "A cat named Tom."),
            event("ai.stream.firstChunk", 251_000_000L, "ai.stream.msToFirstChunk", 250L));

    assertThat(llm.timeToFirstTokenNanos()).isEqualTo(250_000_000L);
    assertThat(llm.output()).isEqualTo("A cat named Tom.");
    // gpt-4-turbo: 100 × 10 + 20 × 30 = 1600 → 160,000
    assertThat(llm.costMicrocents()).isEqualTo(160_000L);
  }

  @Test
  void firstChunkEventAloneGivesTheTimeToFirstToken() {
    LlmAttributes llm =
        map(
            attributes("ai.operationId", "ai.streamObject.doStream", "ai.model.id", "gpt-4o"),
            event("ai.stream.firstChunk", 98_000_000L));

    assertThat(llm.kind()).isEqualTo(SpanKind.LLM);
    assertThat(llm.timeToFirstTokenNanos()).isEqualTo(98_000_000L);
  }

  @Test
  void embeddings() {
    LlmAttributes outer =
        map(
            attributes(
                "ai.operationId", "ai.embedMany",
                "ai.model.id", "text-embedding-3-small",
                "ai.model.provider", "openai.embedding",
                "ai.usage.tokens", 24L));
    assertThat(outer.kind()).isEqualTo(SpanKind.CHAIN);
    assertThat(outer.inputTokens()).isNull();
    assertThat(outer.costMicrocents()).isNull();

    LlmAttributes call =
        map(
            attributes(
                "ai.operationId", "ai.embedMany.doEmbed",
                "ai.model.id", "text-embedding-3-small",
                "ai.model.provider", "openai.embedding",
                "ai.usage.tokens", 24L));
    assertThat(call.kind()).isEqualTo(SpanKind.EMBEDDING);
    assertThat(call.inputTokens()).isEqualTo(24L);
    // 24 × 0.02 = 0.48 → 48
    assertThat(call.costMicrocents()).isEqualTo(48L);
  }
}

package dev.tracefold.gateway.ingest;

import static dev.tracefold.gateway.ingest.SpanData.attributes;
import static dev.tracefold.gateway.ingest.SpanData.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.SpanKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Span attribute sets as Traceloop OpenLLMetry (the {@code @workflow} / {@code @task} decorators,
 * {@code opentelemetry-instrumentation-openai} / {@code -anthropic}, association properties) and
 * the Langfuse SDKs (v3, OpenTelemetry-based) write them.
 */
class TraceloopLangfuseMappingTest {
  @Test
  void traceloopWorkflowSpan() {
    LlmAttributes llm =
        map(
            attributes(
                "traceloop.span.kind", "workflow",
                "traceloop.workflow.name", "support_flow",
                "traceloop.entity.name", "support_flow",
                "traceloop.entity.path", "",
                "traceloop.entity.input", "{\"args\": [\"Where is A1?\"], \"kwargs\": {}}",
                "traceloop.entity.output", "\"It shipped.\"",
                "traceloop.association.properties.session_id", "s-1",
                "traceloop.association.properties.user_id", "u-1"));

    assertThat(llm.kind()).isEqualTo(SpanKind.CHAIN);
    assertThat(llm.model()).isNull();
    assertThat(llm.sessionId()).isEqualTo("s-1");
    assertThat(llm.userId()).isEqualTo("u-1");
    assertThat(llm.input()).isEqualTo("{\"args\": [\"Where is A1?\"], \"kwargs\": {}}");
    assertThat(llm.output()).isEqualTo("\"It shipped.\"");
  }

  @Test
  void openLlmetryOpenAiChatSpanWithFlattenedMessages() {
    LlmAttributes llm =
        map(
            attributes(
                "llm.request.type", "chat",
                "gen_ai.system", "openai",
                "gen_ai.request.model", "gpt-4o-mini",
                "gen_ai.response.model", "gpt-4o-mini-2024-07-18",
                "llm.is_streaming", false,
                "llm.headers", "None",
                "gen_ai.prompt.0.role", "system",
                "gen_ai.prompt.0.content", "Answer briefly.",
                "gen_ai.prompt.1.role", "user",
                "gen_ai.prompt.1.content", "Where is A1?",
                "gen_ai.completion.0.finish_reason", "stop",
                "gen_ai.completion.0.role", "assistant",
                "gen_ai.completion.0.content", "It shipped.",
                "gen_ai.usage.prompt_tokens", 52L,
                "gen_ai.usage.completion_tokens", 9L,
                "llm.usage.total_tokens", 61L,
                "gen_ai.usage.cache_read_input_tokens", 0L,
                "traceloop.workflow.name", "support_flow",
                "traceloop.association.properties.session_id", "s-1"));

    assertThat(llm.kind()).isEqualTo(SpanKind.LLM);
    assertThat(llm.model()).isEqualTo("gpt-4o-mini");
    assertThat(llm.provider()).isEqualTo("openai");
    assertThat(llm.inputTokens()).isEqualTo(52L);
    assertThat(llm.outputTokens()).isEqualTo(9L);
    assertThat(llm.cacheReadTokens()).isEqualTo(0L);
    assertThat(llm.sessionId()).isEqualTo("s-1");
    assertThat(llm.input())
        .isEqualTo(
            "[{\"role\":\"system\",\"content\":\"Answer briefly.\"},"
                + "{\"role\":\"user\",\"content\":\"Where is A1?\"}]");
    assertThat(llm.output())
        .isEqualTo(
            "[{\"finish_reason\":\"stop\",\"role\":\"assistant\",\"content\":\"It shipped.\"}]");
    // 52 × 0.15 + 9 × 0.60 = 7.8 + 5.4 = 13.2 → 1320
    assertThat(llm.costMicrocents()).isEqualTo(1320L);
  }

  @Test
  void openLlmetryAnthropicSpanWithPreSemconvCacheNames() {
    LlmAttributes llm =
        map(
            attributes(
                "llm.request.type", "chat",
                "gen_ai.system", "anthropic",
                "gen_ai.request.model", "claude-3-haiku-20240307",
                "gen_ai.usage.prompt_tokens", 4000L,
                "gen_ai.usage.cache_read_input_tokens", 2000L,
                "gen_ai.usage.cache_creation_input_tokens", 1000L,
                "gen_ai.usage.completion_tokens", 100L,
                "gen_ai.usage.reasoning_tokens", 40L));

    assertThat(llm.cacheReadTokens()).isEqualTo(2000L);
    assertThat(llm.cacheWriteTokens()).isEqualTo(1000L);
    assertThat(llm.reasoningTokens()).isEqualTo(40L);
    // claude-3-haiku: 1000 × 0.25 + 2000 × 0.03 + 1000 × 0.30 + 100 × 1.25
    //   = 250 + 60 + 300 + 125 = 735 → 73,500
    assertThat(llm.costMicrocents()).isEqualTo(73_500L);
  }

  @ParameterizedTest
  @CsvSource({
    "traceloop.span.kind, workflow, CHAIN",
    "traceloop.span.kind, task, CHAIN",
    "traceloop.span.kind, agent, AGENT",
    "traceloop.span.kind, tool, TOOL",
    "traceloop.span.kind, unknown, OTHER",
    "llm.request.type, chat, LLM",
    "llm.request.type, completion, LLM",
    "llm.request.type, embedding, EMBEDDING",
    "llm.request.type, rerank, RERANKER",
    "langfuse.observation.type, generation, LLM",
    "langfuse.observation.type, embedding, EMBEDDING",
    "langfuse.observation.type, agent, AGENT",
    "langfuse.observation.type, tool, TOOL",
    "langfuse.observation.type, chain, CHAIN",
    "langfuse.observation.type, retriever, RETRIEVAL",
    "langfuse.observation.type, evaluator, EVALUATOR",
    "langfuse.observation.type, guardrail, GUARDRAIL",
    "langfuse.observation.type, span, OTHER",
    "langfuse.observation.type, event, OTHER"
  })
  void spanKinds(String key, String value, SpanKind kind) {
    assertThat(map(attributes(key, value)).kind()).isEqualTo(kind);
  }

  @Test
  void langfuseSdkGeneration() {
    LlmAttributes llm =
        map(
            attributes(
                "langfuse.observation.type", "generation",
                "langfuse.observation.model.name", "gpt-4o",
                "langfuse.observation.model.parameters", "{\"temperature\": 0.1}",
                "langfuse.observation.input", "[{\"role\": \"user\", \"content\": \"Hi\"}]",
                "langfuse.observation.output", "{\"role\": \"assistant\", \"content\": \"Hello\"}",
                "langfuse.observation.usage_details", "{\"input\": 1000, \"output\": 500}",
                "langfuse.observation.cost_details",
                    "{\"input\": 0.0025, \"output\": 0.005, \"total\": 0.0075}",
                "langfuse.observation.completion_start_time", "\"2026-11-21T09:00:00.350000Z\"",
                "langfuse.trace.name", "support-chat",
                "langfuse.trace.tags", "[\"prod\",\"eval\"]",
                "langfuse.trace.metadata.tenant", "acme",
                "langfuse.environment", "production",
                "session.id", "sess-lf",
                "user.id", "user-lf"));

    assertThat(llm.kind()).isEqualTo(SpanKind.LLM);
    assertThat(llm.model()).isEqualTo("gpt-4o");
    assertThat(llm.inputTokens()).as("usage_details is not mapped").isNull();
    assertThat(llm.costMicrocents()).isEqualTo(750_000L);
    assertThat(llm.costIsEstimated()).isFalse();
    assertThat(llm.timeToFirstTokenNanos()).isEqualTo(350_000_000L);
    assertThat(llm.sessionId()).isEqualTo("sess-lf");
    assertThat(llm.userId()).isEqualTo("user-lf");
    assertThat(llm.tags()).containsExactly("prod", "eval");
    assertThat(llm.input()).isEqualTo("[{\"role\": \"user\", \"content\": \"Hi\"}]");
    assertThat(llm.output()).isEqualTo("{\"role\": \"assistant\", \"content\": \"Hello\"}");
  }

  @Test
  void langfuseLegacyPropertyNamesAndCostDetailsWithoutTotal() {
    LlmAttributes llm =
        map(
            attributes(
                "langfuse.observation.type", "span",
                "langfuse.session.id", "legacy-session",
                "langfuse.user.id", "legacy-user",
                "langfuse.observation.cost_details", "{\"input\": 0.0015, \"output\": 0.00225}"));

    assertThat(llm.kind()).isEqualTo(SpanKind.OTHER);
    assertThat(llm.sessionId()).isEqualTo("legacy-session");
    assertThat(llm.userId()).isEqualTo("legacy-user");
    assertThat(llm.costMicrocents()).isEqualTo(375_000L);
    assertThat(llm.costIsEstimated()).isFalse();
  }
}

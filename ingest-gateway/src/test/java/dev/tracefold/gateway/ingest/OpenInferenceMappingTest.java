package dev.tracefold.gateway.ingest;

import static dev.tracefold.gateway.ingest.SpanData.attributes;
import static dev.tracefold.gateway.ingest.SpanData.event;
import static dev.tracefold.gateway.ingest.SpanData.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.SpanKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Span attribute sets as the OpenInference instrumentations write them
 * (openinference-instrumentation-openai / -anthropic / -llama-index; lists flattened into indexed
 * attributes, {@code tag.tags} a string array, {@code metadata} JSON text).
 */
class OpenInferenceMappingTest {
  private static final String REQUEST =
      "{\"messages\": [{\"role\": \"user\", \"content\": \"Where is my order A1?\"}],"
          + " \"model\": \"gpt-4o\", \"stream\": true}";
  private static final String RESPONSE =
      "{\"id\": \"chatcmpl-AB12\", \"model\": \"gpt-4o-2024-08-06\", \"choices\": [{\"message\":"
          + " {\"role\": \"assistant\", \"content\": \"It shipped yesterday.\"}}]}";

  @Test
  void openAiStreamedChatSpan() {
    LlmAttributes llm =
        map(
            attributes(
                "openinference.span.kind", "LLM",
                "llm.system", "openai",
                "llm.provider", "openai",
                "llm.model_name", "gpt-4o-2024-08-06",
                "llm.invocation_parameters", "{\"model\": \"gpt-4o\", \"stream\": true}",
                "input.value", REQUEST,
                "input.mime_type", "application/json",
                "output.value", RESPONSE,
                "output.mime_type", "application/json",
                "llm.input_messages.0.message.role", "user",
                "llm.input_messages.0.message.content", "Where is my order A1?",
                "llm.output_messages.0.message.role", "assistant",
                "llm.output_messages.0.message.content", "It shipped yesterday.",
                "llm.token_count.prompt", 2100L,
                "llm.token_count.completion", 150L,
                "llm.token_count.total", 2250L,
                "llm.token_count.prompt_details.cache_read", 1920L,
                "llm.token_count.completion_details.reasoning", 0L,
                "session.id", "sess-abc",
                "user.id", "user-9",
                "metadata", "{\"tenant\": \"acme\"}",
                "tag.tags", "[\"beta\",\"support\"]"),
            event("First Token Stream Event", 350_000_000L));

    // gpt-4o-2024-08-06: (2100 − 1920) × 2.50 + 1920 × 1.25 + 150 × 10
    //   = 450 + 2400 + 1500 = 4350 → 435,000 microcents
    assertThat(llm)
        .isEqualTo(
            new LlmAttributes(
                SpanKind.LLM,
                "gpt-4o-2024-08-06",
                "openai",
                2100L,
                150L,
                1920L,
                null,
                0L,
                435_000L,
                true,
                350_000_000L,
                "sess-abc",
                "user-9",
                List.of("beta", "support"),
                REQUEST,
                RESPONSE));
  }

  @Test
  void anthropicSpanWithReportedCost() {
    LlmAttributes llm =
        map(
            attributes(
                "openinference.span.kind",
                "LLM",
                "llm.system",
                "anthropic",
                "llm.provider",
                "anthropic",
                "llm.model_name",
                "claude-3-5-haiku-20241022",
                "llm.token_count.prompt",
                1200L,
                "llm.token_count.prompt_details.cache_read",
                1000L,
                "llm.token_count.prompt_details.cache_write",
                100L,
                "llm.token_count.completion",
                50L,
                "llm.cost.prompt",
                0.000285,
                "llm.cost.completion",
                0.0002,
                "llm.cost.total",
                0.000485));

    assertThat(llm.provider()).isEqualTo("anthropic");
    assertThat(llm.cacheReadTokens()).isEqualTo(1000L);
    assertThat(llm.cacheWriteTokens()).isEqualTo(100L);
    assertThat(llm.costMicrocents()).isEqualTo(48_500L);
    assertThat(llm.costIsEstimated()).isFalse();
  }

  @Test
  void promptPlusCompletionCostWhenNoTotal() {
    LlmAttributes llm =
        map(
            attributes(
                "openinference.span.kind",
                "LLM",
                "llm.model_name",
                "gpt-4o",
                "llm.token_count.prompt",
                10L,
                "llm.cost.prompt",
                0.0000125,
                "llm.cost.completion",
                0.0000025));

    // 0.0000125 + 0.0000025 = 0.000015 USD = 1500 microcents, reported
    assertThat(llm.costMicrocents()).isEqualTo(1500L);
    assertThat(llm.costIsEstimated()).isFalse();
  }

  @Test
  void retrieverSpan() {
    LlmAttributes llm =
        map(
            attributes(
                "openinference.span.kind", "RETRIEVER",
                "input.value", "How do I reset my password?",
                "retrieval.documents.0.document.id", "kb-17",
                "retrieval.documents.0.document.score", 0.83,
                "retrieval.documents.0.document.content", "Open Settings, then Security.",
                "session.id", "sess-abc"));

    assertThat(llm.kind()).isEqualTo(SpanKind.RETRIEVAL);
    assertThat(llm.model()).isNull();
    assertThat(llm.input()).isEqualTo("How do I reset my password?");
    assertThat(llm.output()).isNull();
    assertThat(llm.sessionId()).isEqualTo("sess-abc");
  }

  @Test
  void embeddingSpan() {
    LlmAttributes llm =
        map(
            attributes(
                "openinference.span.kind", "EMBEDDING",
                "embedding.model_name", "text-embedding-3-small",
                "embedding.embeddings.0.embedding.text", "hello world",
                "llm.token_count.prompt", 8L,
                "llm.token_count.total", 8L));

    assertThat(llm.kind()).isEqualTo(SpanKind.EMBEDDING);
    assertThat(llm.model()).isEqualTo("text-embedding-3-small");
    // 8 × 0.02 = 0.16 → 16
    assertThat(llm.costMicrocents()).isEqualTo(16L);
  }

  @ParameterizedTest
  @CsvSource({
    "LLM, LLM",
    "EMBEDDING, EMBEDDING",
    "TOOL, TOOL",
    "RETRIEVER, RETRIEVAL",
    "RERANKER, RERANKER",
    "CHAIN, CHAIN",
    "AGENT, AGENT",
    "GUARDRAIL, GUARDRAIL",
    "EVALUATOR, EVALUATOR",
    "agent, AGENT",
    "PROMPT, OTHER",
    "UNKNOWN, OTHER"
  })
  void spanKinds(String value, SpanKind kind) {
    assertThat(map(attributes("openinference.span.kind", value)).kind()).isEqualTo(kind);
  }
}

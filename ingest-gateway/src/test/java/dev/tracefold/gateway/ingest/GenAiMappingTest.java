package dev.tracefold.gateway.ingest;

import static dev.tracefold.gateway.ingest.SpanData.attributes;
import static dev.tracefold.gateway.ingest.SpanData.event;
import static dev.tracefold.gateway.ingest.SpanData.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.SpanKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Span attribute sets as OpenTelemetry GenAI instrumentations write them (opentelemetry-python
 * contrib {@code opentelemetry-instrumentation-openai-v2} and the GenAI semantic conventions'
 * examples, semconv 1.37+; the 1.26 names for older instrumentations).
 */
class GenAiMappingTest {
  private static final String INPUT_MESSAGES =
      "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"You are a travel"
          + " agent.\"}]},{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Weather in"
          + " Paris?\"}]}]";
  private static final String OUTPUT_MESSAGES =
      "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Rainy, 14°C.\"}],"
          + "\"finish_reason\":\"stop\"}]";

  @Test
  void openAiChatSpanWithStreamingAndPromptCache() {
    LlmAttributes llm =
        map(
            attributes(
                "gen_ai.operation.name",
                "chat",
                "gen_ai.provider.name",
                "openai",
                "gen_ai.request.model",
                "gpt-4o-mini",
                "gen_ai.request.temperature",
                0.2,
                "gen_ai.request.stream",
                true,
                "gen_ai.response.model",
                "gpt-4o-mini-2024-07-18",
                "gen_ai.response.id",
                "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
                "gen_ai.response.finish_reasons",
                "[\"stop\"]",
                "gen_ai.response.time_to_first_chunk",
                0.412,
                "gen_ai.usage.input_tokens",
                1200L,
                "gen_ai.usage.output_tokens",
                80L,
                "gen_ai.usage.cache_read.input_tokens",
                1024L,
                "gen_ai.conversation.id",
                "conv_5j66UpCpwteGg4YSxUnt7lPY",
                "gen_ai.input.messages",
                INPUT_MESSAGES,
                "gen_ai.output.messages",
                OUTPUT_MESSAGES,
                "server.address",
                "api.openai.com",
                "server.port",
                443L,
                "user.id",
                "user-7"));

    // gpt-4o-mini-2024-07-18: (1200 − 1024) × 0.15 + 1024 × 0.075 + 80 × 0.60
    //   = 26.4 + 76.8 + 48 = 151.2 → 15,120 microcents
    assertThat(llm)
        .isEqualTo(
            new LlmAttributes(
                SpanKind.LLM,
                "gpt-4o-mini",
                "openai",
                1200L,
                80L,
                1024L,
                null,
                null,
                15_120L,
                true,
                412_000_000L,
                "conv_5j66UpCpwteGg4YSxUnt7lPY",
                "user-7",
                List.of(),
                INPUT_MESSAGES,
                OUTPUT_MESSAGES));
  }

  @Test
  void anthropicChatSpanWithCacheWritesAndReasoning() {
    LlmAttributes llm =
        map(
            attributes(
                "gen_ai.operation.name",
                "chat",
                "gen_ai.provider.name",
                "anthropic",
                "gen_ai.request.model",
                "claude-sonnet-4-5",
                "gen_ai.request.max_tokens",
                4096L,
                "gen_ai.response.model",
                "claude-sonnet-4-5-20250929",
                "gen_ai.response.id",
                "msg_01XFDUDYJgAACzvnptvVoYEL",
                "gen_ai.usage.input_tokens",
                5000L,
                "gen_ai.usage.cache_read.input_tokens",
                3000L,
                "gen_ai.usage.cache_creation.input_tokens",
                1500L,
                "gen_ai.usage.output_tokens",
                700L,
                "gen_ai.usage.reasoning.output_tokens",
                200L,
                "session.id",
                "session-42"));

    assertThat(llm.kind()).isEqualTo(SpanKind.LLM);
    assertThat(llm.model()).isEqualTo("claude-sonnet-4-5");
    assertThat(llm.provider()).isEqualTo("anthropic");
    assertThat(llm.inputTokens()).isEqualTo(5000L);
    assertThat(llm.outputTokens()).isEqualTo(700L);
    assertThat(llm.cacheReadTokens()).isEqualTo(3000L);
    assertThat(llm.cacheWriteTokens()).isEqualTo(1500L);
    assertThat(llm.reasoningTokens()).isEqualTo(200L);
    assertThat(llm.sessionId()).isEqualTo("session-42");
    // (5000 − 3000 − 1500) × 3 + 3000 × 0.30 + 1500 × 3.75 + 700 × 15
    //   = 1500 + 900 + 5625 + 10500 = 18525 → 1,852,500 microcents
    assertThat(llm.costMicrocents()).isEqualTo(1_852_500L);
    assertThat(llm.costIsEstimated()).isTrue();
    assertThat(llm.timeToFirstTokenNanos()).isNull();
  }

  @Test
  void semconv126SpanWithDeprecatedNamesAndContentEvents() {
    String prompt = "[{'role': 'user', 'content': 'What is the capital of France?'}]";
    String completion = "[{'role': 'assistant', 'content': 'Paris.'}]";
    LlmAttributes llm =
        map(
            attributes(
                "gen_ai.system", "openai",
                "gen_ai.request.model", "gpt-3.5-turbo",
                "gen_ai.response.model", "gpt-3.5-turbo-0125",
                "gen_ai.usage.prompt_tokens", 20L,
                "gen_ai.usage.completion_tokens", 10L),
            event("gen_ai.content.prompt", 1_000L, "gen_ai.prompt", prompt),
            event("gen_ai.content.completion", 900_000_000L, "gen_ai.completion", completion));

    assertThat(llm.kind()).isEqualTo(SpanKind.LLM);
    assertThat(llm.provider()).isEqualTo("openai");
    assertThat(llm.inputTokens()).isEqualTo(20L);
    assertThat(llm.outputTokens()).isEqualTo(10L);
    assertThat(llm.input()).isEqualTo(prompt);
    assertThat(llm.output()).isEqualTo(completion);
    // 20 × 0.50 + 10 × 1.50 = 25 → 2500
    assertThat(llm.costMicrocents()).isEqualTo(2500L);
  }

  @Test
  void semconv127PromptAndCompletionAttributes() {
    LlmAttributes llm =
        map(
            attributes(
                "gen_ai.system", "openai",
                "gen_ai.request.model", "gpt-4",
                "gen_ai.prompt", "[{\"role\":\"user\",\"content\":\"Hi\"}]",
                "gen_ai.completion", "[{\"role\":\"assistant\",\"content\":\"Hello!\"}]"));

    assertThat(llm.input()).isEqualTo("[{\"role\":\"user\",\"content\":\"Hi\"}]");
    assertThat(llm.output()).isEqualTo("[{\"role\":\"assistant\",\"content\":\"Hello!\"}]");
  }

  @Test
  void executeToolSpan() {
    LlmAttributes llm =
        map(
            attributes(
                "gen_ai.operation.name", "execute_tool",
                "gen_ai.tool.name", "get_weather",
                "gen_ai.tool.type", "function",
                "gen_ai.tool.call.id", "call_VSPygqKTWdrhaFErNvMV18Yl",
                "gen_ai.tool.call.arguments", "{\"location\":\"Paris\"}",
                "gen_ai.tool.call.result", "{\"conditions\":\"rainy\",\"temperature\":14}",
                "gen_ai.conversation.id", "conv-1"));

    assertThat(llm.kind()).isEqualTo(SpanKind.TOOL);
    assertThat(llm.model()).isNull();
    assertThat(llm.input()).isEqualTo("{\"location\":\"Paris\"}");
    assertThat(llm.output()).isEqualTo("{\"conditions\":\"rainy\",\"temperature\":14}");
    assertThat(llm.sessionId()).isEqualTo("conv-1");
    assertThat(llm.costMicrocents()).isNull();
  }

  @Test
  void embeddingsSpan() {
    LlmAttributes llm =
        map(
            attributes(
                "gen_ai.operation.name", "embeddings",
                "gen_ai.provider.name", "openai",
                "gen_ai.request.model", "text-embedding-3-small",
                "gen_ai.request.encoding_formats", "[\"float\"]",
                "gen_ai.embeddings.dimension.count", 1536L,
                "gen_ai.usage.input_tokens", 52L));

    assertThat(llm.kind()).isEqualTo(SpanKind.EMBEDDING);
    assertThat(llm.model()).isEqualTo("text-embedding-3-small");
    assertThat(llm.inputTokens()).isEqualTo(52L);
    // 52 × 0.02 = 1.04 → 104
    assertThat(llm.costMicrocents()).isEqualTo(104L);
  }

  @Test
  void agentWorkflowAndRetrievalOperations() {
    LlmAttributes agent =
        map(
            attributes(
                "gen_ai.operation.name", "invoke_agent",
                "gen_ai.agent.name", "Math Tutor",
                "gen_ai.agent.id", "asst_5j66UpCpwteGg4YSxUnt7lPY",
                "gen_ai.request.model", "gpt-4.1"));
    assertThat(agent.kind()).isEqualTo(SpanKind.AGENT);
    assertThat(agent.model()).isEqualTo("gpt-4.1");

    assertThat(map(attributes("gen_ai.operation.name", "create_agent")).kind())
        .isEqualTo(SpanKind.AGENT);
    assertThat(map(attributes("gen_ai.operation.name", "invoke_workflow")).kind())
        .isEqualTo(SpanKind.CHAIN);
    assertThat(map(attributes("gen_ai.operation.name", "text_completion")).kind())
        .isEqualTo(SpanKind.LLM);
    assertThat(map(attributes("gen_ai.operation.name", "generate_content")).kind())
        .isEqualTo(SpanKind.LLM);

    LlmAttributes retrieval =
        map(
            attributes(
                "gen_ai.operation.name", "retrieval",
                "gen_ai.data_source.id", "H7STPQYOND",
                "gen_ai.retrieval.query.text", "weather in Paris",
                "gen_ai.retrieval.documents", "[{\"id\":\"doc_123\",\"score\":0.95}]"));
    assertThat(retrieval.kind()).isEqualTo(SpanKind.RETRIEVAL);
    assertThat(retrieval.input()).isEqualTo("weather in Paris");
    assertThat(retrieval.output()).isEqualTo("[{\"id\":\"doc_123\",\"score\":0.95}]");
  }
}

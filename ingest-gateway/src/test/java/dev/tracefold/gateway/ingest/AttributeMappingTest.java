package dev.tracefold.gateway.ingest;

import static dev.tracefold.gateway.ingest.SpanData.START_NANOS;
import static dev.tracefold.gateway.ingest.SpanData.attributes;
import static dev.tracefold.gateway.ingest.SpanData.event;
import static dev.tracefold.gateway.ingest.SpanData.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.gateway.ingest.cost.CostEstimator;
import dev.tracefold.gateway.ingest.cost.ModelPriceTable;
import dev.tracefold.gateway.ingest.semconv.SpanView;
import dev.tracefold.schemas.SpanKind;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules shared by every convention; the per-convention tests feed realistic span sets. */
class AttributeMappingTest {
  @Test
  void emptyAttributesGiveNothingAndKindOther() {
    assertThat(AttributeMapping.extract(Map.of()))
        .isEqualTo(
            new LlmAttributes(
                SpanKind.OTHER,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                null,
                null,
                null,
                List.of(),
                null,
                null));
  }

  @Test
  void earlierKeysAndFamiliesWin() {
    LlmAttributes llm =
        AttributeMapping.extract(
            attributes(
                "gen_ai.request.model", "req",
                "llm.model_name", "openinference",
                "gen_ai.response.model", "resp",
                "gen_ai.provider.name", "openai",
                "gen_ai.system", "old",
                "llm.provider", "azure",
                "gen_ai.usage.input_tokens", 1L,
                "gen_ai.usage.prompt_tokens", 100L,
                "llm.token_count.prompt", 1000L,
                "gen_ai.usage.output_tokens", 2L,
                "gen_ai.usage.completion_tokens", 200L,
                "session.id", "s",
                "gen_ai.conversation.id", "c",
                "langfuse.session.id", "l",
                "user.id", "u",
                "langfuse.user.id", "lu"));

    assertThat(llm.model()).isEqualTo("req");
    assertThat(llm.provider()).isEqualTo("openai");
    assertThat(llm.inputTokens()).isEqualTo(1L);
    assertThat(llm.outputTokens()).isEqualTo(2L);
    assertThat(llm.sessionId()).isEqualTo("s");
    assertThat(llm.userId()).isEqualTo("u");
  }

  @Test
  void unusableValuesFallThroughToTheNextSource() {
    LlmAttributes llm =
        AttributeMapping.extract(
            attributes(
                "gen_ai.request.model", "",
                "gen_ai.response.model", "resp",
                "gen_ai.provider.name", null,
                "gen_ai.system", "anthropic",
                "gen_ai.usage.input_tokens", 2.5,
                "gen_ai.usage.prompt_tokens", "11",
                "gen_ai.usage.output_tokens", "many",
                "tag.tags", "[]",
                "langfuse.trace.tags", "[\"x\"]"));

    assertThat(llm.model()).isEqualTo("resp");
    assertThat(llm.provider()).isEqualTo("anthropic");
    assertThat(llm.inputTokens()).isEqualTo(11L);
    assertThat(llm.outputTokens()).isNull();
    assertThat(llm.tags()).containsExactly("x");
  }

  @Test
  void aConventionsKindAttributeWinsOverInference() {
    assertThat(
            AttributeMapping.extract(
                    attributes(
                        "gen_ai.operation.name", "execute_tool", "gen_ai.request.model", "m"))
                .kind())
        .isEqualTo(SpanKind.TOOL);
    assertThat(
            AttributeMapping.extract(
                    attributes("gen_ai.operation.name", "embeddings", "gen_ai.request.model", "m"))
                .kind())
        .isEqualTo(SpanKind.EMBEDDING);
    assertThat(
            AttributeMapping.extract(
                    attributes("openinference.span.kind", "CHAIN", "llm.model_name", "m"))
                .kind())
        .isEqualTo(SpanKind.CHAIN);
  }

  @Test
  void inferredKinds() {
    assertThat(AttributeMapping.extract(attributes("gen_ai.tool.name", "get_weather")).kind())
        .isEqualTo(SpanKind.TOOL);
    assertThat(AttributeMapping.extract(attributes("gen_ai.tool.call.id", "call_1")).kind())
        .isEqualTo(SpanKind.TOOL);
    assertThat(AttributeMapping.extract(attributes("gen_ai.response.model", "m")).kind())
        .isEqualTo(SpanKind.LLM);
    assertThat(AttributeMapping.extract(attributes("gen_ai.operation.name", "plan")).kind())
        .isEqualTo(SpanKind.OTHER);
    assertThat(AttributeMapping.extract(attributes("http.method", "GET")).kind())
        .isEqualTo(SpanKind.OTHER);
  }

  @Test
  void reportedCostWinsOverTheEstimate() {
    LlmAttributes llm =
        AttributeMapping.extract(
            attributes(
                "gen_ai.operation.name",
                "chat",
                "gen_ai.request.model",
                "gpt-4o",
                "gen_ai.usage.input_tokens",
                1000L,
                "gen_ai.usage.output_tokens",
                500L,
                "gen_ai.usage.cost",
                0.0123));

    assertThat(llm.costMicrocents()).isEqualTo(1_230_000L);
    assertThat(llm.costIsEstimated()).isFalse();
  }

  @Test
  void estimatesFromTheRespondingModelElseTheRequestedOne() {
    // gpt-4o-2024-05-13: 1000 × 5 + 100 × 15 = 6500 → 650,000 (gpt-4o would give 350,000)
    assertThat(
            AttributeMapping.extract(
                    attributes(
                        "gen_ai.request.model",
                        "gpt-4o",
                        "gen_ai.response.model",
                        "gpt-4o-2024-05-13",
                        "gen_ai.usage.input_tokens",
                        1000L,
                        "gen_ai.usage.output_tokens",
                        100L))
                .costMicrocents())
        .isEqualTo(650_000L);
    // the response model is unknown: gpt-4o: 1000 × 2.50 + 100 × 10 = 3500 → 350,000
    LlmAttributes fallback =
        AttributeMapping.extract(
            attributes(
                "gen_ai.request.model",
                "gpt-4o",
                "gen_ai.response.model",
                "gpt-4o-custom-deployment",
                "gen_ai.usage.input_tokens",
                1000L,
                "gen_ai.usage.output_tokens",
                100L));
    assertThat(fallback.costMicrocents()).isEqualTo(350_000L);
    assertThat(fallback.costIsEstimated()).isTrue();
  }

  @Test
  void noCostWithoutAKnownModelOrTokens() {
    LlmAttributes unknownModel =
        AttributeMapping.extract(
            attributes("gen_ai.request.model", "my-fine-tune", "gen_ai.usage.input_tokens", 10L));
    assertThat(unknownModel.costMicrocents()).isNull();
    assertThat(unknownModel.costIsEstimated()).isFalse();
    assertThat(
            AttributeMapping.extract(attributes("gen_ai.request.model", "gpt-4o")).costMicrocents())
        .isNull();
  }

  @Test
  void usesTheGivenPriceTable() {
    ModelPriceTable table =
        ModelPriceTable.parse(
            new ByteArrayInputStream(
                "{\"models\": [{\"model\": \"house-model\", \"input\": 1, \"output\": 3}]}"
                    .getBytes(StandardCharsets.UTF_8)));
    AttributeMapping mapping = new AttributeMapping(new CostEstimator(table));

    LlmAttributes llm =
        mapping.map(
            new SpanView(
                attributes(
                    "gen_ai.request.model", "house-model",
                    "gen_ai.usage.input_tokens", 10L,
                    "gen_ai.usage.output_tokens", 10L),
                List.of(),
                null));

    // 10 × 1 + 10 × 3 = 40 → 4000
    assertThat(llm.costMicrocents()).isEqualTo(4000L);
  }

  @Test
  void timeToFirstTokenPrefersAttributesThenEvents() {
    assertThat(
            map(
                    attributes("gen_ai.response.time_to_first_chunk", 0.2),
                    event("First Token Stream Event", 300_000_000L))
                .timeToFirstTokenNanos())
        .isEqualTo(200_000_000L);
    assertThat(map(attributes(), event("first_token", 75_000_000L)).timeToFirstTokenNanos())
        .isEqualTo(75_000_000L);
    assertThat(map(attributes(), event("first_token", -5L)).timeToFirstTokenNanos()).isNull();
    assertThat(
            AttributeMapping.extract(
                    attributes(
                        "langfuse.observation.completion_start_time", "2026-11-21T09:00:01Z"))
                .timeToFirstTokenNanos())
        .as("without a start time, absolute times give nothing")
        .isNull();
    assertThat(
            AttributeMapping.extract(
                    attributes(
                        "langfuse.observation.completion_start_time", "2026-11-21T09:00:01Z"),
                    List.of(),
                    START_NANOS)
                .timeToFirstTokenNanos())
        .isEqualTo(1_000_000_000L);
  }

  @Test
  void scalarNonStringValuesAreUsedAsText() {
    assertThat(AttributeMapping.extract(attributes("user.id", 42L)).userId()).isEqualTo("42");
  }
}

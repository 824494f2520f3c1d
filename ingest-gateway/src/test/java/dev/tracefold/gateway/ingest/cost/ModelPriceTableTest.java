package dev.tracefold.gateway.ingest.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelPriceTableTest {
  private final ModelPriceTable table = ModelPriceTable.bundled();

  static ModelPriceTable parse(String json) {
    return ModelPriceTable.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  private String found(String model) {
    return table.find(model).map(ModelPrice::model).orElse(null);
  }

  @Test
  void bundledTableRecordsItsVersionAndSource() {
    assertThat(table.version()).isEqualTo("2026-11-21");
    assertThat(table.source()).contains("compiled 2026-11-21");
    assertThat(table.prices()).hasSizeGreaterThan(50);
    assertThat(table.prices())
        .allSatisfy(
            price -> {
              assertThat(price.source()).startsWith("https://");
              assertThat(price.provider()).isNotBlank();
            });
  }

  @Test
  void bundledTableHoldsThePublishedPrices() {
    ModelPrice gpt4o = table.find("gpt-4o").orElseThrow();
    assertThat(gpt4o.inputUsdPerMillion()).isEqualByComparingTo("2.50");
    assertThat(gpt4o.outputUsdPerMillion()).isEqualByComparingTo("10.00");
    assertThat(gpt4o.cacheReadUsdPerMillion()).isEqualByComparingTo("1.25");
    assertThat(gpt4o.cacheWriteUsdPerMillion()).isNull();
    assertThat(gpt4o.reasoningUsdPerMillion()).isNull();
    ModelPrice sonnet = table.find("claude-sonnet-4-5").orElseThrow();
    assertThat(sonnet.cacheReadUsdPerMillion()).isEqualByComparingTo("0.30");
    assertThat(sonnet.cacheWriteUsdPerMillion()).isEqualByComparingTo("3.75");
  }

  @Test
  void findsExactIdsAndAliasesInAnyCase() {
    assertThat(found("gpt-4o")).isEqualTo("gpt-4o");
    assertThat(found("  GPT-4o-Mini ")).isEqualTo("gpt-4o-mini");
    assertThat(found("o1-preview")).isEqualTo("o1");
    assertThat(found("claude-sonnet-4-0")).isEqualTo("claude-sonnet-4");
    assertThat(found("mistral-small-2503")).isEqualTo("mistral-small-2506");
  }

  @Test
  void findsDatedAndVersionedSnapshotsOfAListedModel() {
    assertThat(found("gpt-4o-2024-08-06")).isEqualTo("gpt-4o");
    assertThat(found("gpt-4o-mini-2024-07-18")).isEqualTo("gpt-4o-mini");
    assertThat(found("gpt-4-0613")).isEqualTo("gpt-4");
    assertThat(found("claude-sonnet-4-5-20250929")).isEqualTo("claude-sonnet-4-5");
    assertThat(found("claude-3-7-sonnet-latest")).isEqualTo("claude-3-7-sonnet");
    assertThat(found("gemini-1.5-pro-002")).isEqualTo("gemini-1.5-pro");
    assertThat(found("open-mistral-nemo-2407")).isEqualTo("open-mistral-nemo");
  }

  @Test
  void anExactSnapshotEntryWinsOverItsModel() {
    assertThat(found("gpt-4o-2024-05-13")).isEqualTo("gpt-4o-2024-05-13");
    assertThat(table.find("gpt-4o-2024-05-13").orElseThrow().inputUsdPerMillion())
        .isEqualByComparingTo("5.00");
  }

  @Test
  void dropsRouterPathsAndBedrockOrVertexDecorations() {
    assertThat(found("openai/gpt-4o")).isEqualTo("gpt-4o");
    assertThat(found("models/gemini-2.5-flash")).isEqualTo("gemini-2.5-flash");
    assertThat(found("anthropic.claude-3-5-sonnet-20240620-v1:0")).isEqualTo("claude-3-5-sonnet");
    assertThat(found("us.anthropic.claude-sonnet-4-20250514-v1:0")).isEqualTo("claude-sonnet-4");
    assertThat(found("claude-3-5-sonnet-v2@20241022")).isEqualTo("claude-3-5-sonnet");
    assertThat(found("meta.llama3-3-70b-instruct-v1:0")).isEqualTo("llama3-3-70b-instruct");
    assertThat(found("meta-llama/Llama-3.3-70B-Instruct-Turbo"))
        .isEqualTo("llama-3.3-70b-instruct-turbo");
  }

  @Test
  void doesNotPriceOtherModelsThatMerelyShareAPrefix() {
    assertThat(found("o3-pro")).isNull();
    assertThat(found("gpt-4o-audio-preview")).isNull();
    assertThat(found("gpt-4o-mini-search-preview-2025-03-11")).isNull();
    assertThat(found("claude-opus-4-9-20270101")).isNull();
    assertThat(found("gemini-2.5-flash-preview-tts")).isNull();
    assertThat(found("my-fine-tune")).isNull();
    assertThat(table.find(null)).isEqualTo(Optional.empty());
    assertThat(table.find("  ")).isEqualTo(Optional.empty());
  }

  @Test
  void parsesOptionalRatesAsExactDecimals() {
    ModelPriceTable custom =
        parse(
            """
            {"version": "v1", "source": "test", "models": [
              {"model": "M-1", "aliases": ["m-one"], "input": 0.075, "output": 3,
               "cacheRead": 0.01875, "reasoning": 12.5}]}
            """);

    ModelPrice price = custom.find("m-one").orElseThrow();
    assertThat(price.model()).isEqualTo("m-1");
    assertThat(price.inputUsdPerMillion()).isEqualTo(new BigDecimal("0.075"));
    assertThat(price.cacheReadUsdPerMillion()).isEqualTo(new BigDecimal("0.01875"));
    assertThat(price.cacheWriteUsdPerMillion()).isNull();
    assertThat(price.reasoningUsdPerMillion()).isEqualTo(new BigDecimal("12.5"));
    assertThat(custom.version()).isEqualTo("v1");
  }

  @Test
  void rejectsInvalidTablesNamingTheEntry() {
    assertThatThrownBy(() -> parse("{\"models\": [{\"model\": \"a\", \"output\": 1}]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model price table: models[0] (a): input is required");
    assertThatThrownBy(
            () -> parse("{\"models\": [{\"model\": \"a\", \"input\": 1, \"output\": -2}]}"))
        .hasMessage("model price table: models[0] (a): output must be a non-negative number");
    assertThatThrownBy(
            () -> parse("{\"models\": [{\"model\": \"a\", \"input\": \"1\", \"output\": 2}]}"))
        .hasMessage("model price table: models[0] (a): input must be a non-negative number");
    assertThatThrownBy(() -> parse("{\"models\": [{\"input\": 1, \"output\": 2}]}"))
        .hasMessage("model price table: models[0]: \"model\" must be a non-empty string");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"models\": [{\"model\": \"a\", \"input\": 1, \"output\": 2}, {\"model\":"
                        + " \"b\", \"aliases\": [\"A\"], \"input\": 1, \"output\": 2}]}"))
        .hasMessage("model price table: 'a' is listed twice (a, b)");
    assertThatThrownBy(() -> parse("{\"prices\": []}"))
        .hasMessage("model price table: expected an object with a \"models\" array");
    assertThatThrownBy(() -> parse("{\"models\": [}"))
        .hasMessageStartingWith("model price table: not valid JSON: ");
  }
}

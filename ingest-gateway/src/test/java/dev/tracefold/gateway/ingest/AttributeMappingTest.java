package dev.tracefold.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.SpanKind;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributeMappingTest {
  @Test
  void emptyAttributesGiveNothingAndKindOther() {
    assertThat(AttributeMapping.extract(Map.of()))
        .isEqualTo(new LlmAttributes(SpanKind.OTHER, null, null, null, null, null, null));
  }

  @Test
  void preferredKeysWin() {
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("gen_ai.request.model", "req");
    attributes.put("gen_ai.response.model", "resp");
    attributes.put("gen_ai.provider.name", "openai");
    attributes.put("gen_ai.system", "old");
    attributes.put("gen_ai.usage.input_tokens", 1L);
    attributes.put("gen_ai.usage.prompt_tokens", 100L);
    attributes.put("gen_ai.usage.output_tokens", 2L);
    attributes.put("gen_ai.usage.completion_tokens", 200L);
    attributes.put("session.id", "s");
    attributes.put("gen_ai.conversation.id", "c");
    attributes.put("user.id", "u");

    assertThat(AttributeMapping.extract(attributes))
        .isEqualTo(new LlmAttributes(SpanKind.LLM, "req", "openai", 1L, 2L, "s", "u"));
  }

  @Test
  void emptyOrNullValuesFallThrough() {
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("gen_ai.request.model", "");
    attributes.put("gen_ai.response.model", "resp");
    attributes.put("gen_ai.provider.name", null);
    attributes.put("gen_ai.system", "anthropic");

    LlmAttributes llm = AttributeMapping.extract(attributes);
    assertThat(llm.model()).isEqualTo("resp");
    assertThat(llm.provider()).isEqualTo("anthropic");
  }

  @Test
  void modelPresenceWinsOverExecuteTool() {
    assertThat(
            AttributeMapping.extract(
                    Map.of("gen_ai.operation.name", "execute_tool", "gen_ai.request.model", "m"))
                .kind())
        .isEqualTo(SpanKind.LLM);
    assertThat(AttributeMapping.extract(Map.of("gen_ai.operation.name", "execute_tool")).kind())
        .isEqualTo(SpanKind.TOOL);
    assertThat(AttributeMapping.extract(Map.of("gen_ai.operation.name", "chat")).kind())
        .isEqualTo(SpanKind.OTHER);
  }

  @Test
  void coercesIntegralCounts() {
    assertThat(AttributeMapping.toCount(5L)).isEqualTo(5L);
    assertThat(AttributeMapping.toCount(5)).isEqualTo(5L);
    assertThat(AttributeMapping.toCount(5.0)).isEqualTo(5L);
    assertThat(AttributeMapping.toCount("17")).isEqualTo(17L);
    assertThat(AttributeMapping.toCount(" 17.0 ")).isEqualTo(17L);
    assertThat(AttributeMapping.toCount("1e3")).isEqualTo(1000L);
    assertThat(AttributeMapping.toCount("0")).isEqualTo(0L);
  }

  @Test
  void refusesNonIntegralOrNegativeCounts() {
    assertThat(AttributeMapping.toCount(5.5)).isNull();
    assertThat(AttributeMapping.toCount(-1L)).isNull();
    assertThat(AttributeMapping.toCount("-3")).isNull();
    assertThat(AttributeMapping.toCount("12 tokens")).isNull();
    assertThat(AttributeMapping.toCount("")).isNull();
    assertThat(AttributeMapping.toCount(Double.NaN)).isNull();
    assertThat(AttributeMapping.toCount(Double.POSITIVE_INFINITY)).isNull();
    assertThat(AttributeMapping.toCount("1e40")).isNull();
    assertThat(AttributeMapping.toCount(true)).isNull();
    assertThat(AttributeMapping.toCount(null)).isNull();
  }

  @Test
  void scalarNonStringValuesAreUsedAsText() {
    assertThat(AttributeMapping.extract(Map.of("user.id", 42L)).userId()).isEqualTo("42");
  }
}

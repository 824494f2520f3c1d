package dev.tracefold.gateway.ingest.semconv;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributeValuesTest {
  @Test
  void textIsANonEmptyScalar() {
    assertThat(AttributeValues.text("gpt-4o")).isEqualTo("gpt-4o");
    assertThat(AttributeValues.text(42L)).isEqualTo("42");
    assertThat(AttributeValues.text(true)).isEqualTo("true");
    assertThat(AttributeValues.text("")).isNull();
    assertThat(AttributeValues.text(null)).isNull();
  }

  @Test
  void coercesIntegralCounts() {
    assertThat(AttributeValues.count(5L)).isEqualTo(5L);
    assertThat(AttributeValues.count(5)).isEqualTo(5L);
    assertThat(AttributeValues.count(5.0)).isEqualTo(5L);
    assertThat(AttributeValues.count("17")).isEqualTo(17L);
    assertThat(AttributeValues.count(" 17.0 ")).isEqualTo(17L);
    assertThat(AttributeValues.count("1e3")).isEqualTo(1000L);
    assertThat(AttributeValues.count("0")).isEqualTo(0L);
  }

  @Test
  void refusesNonIntegralOrNegativeCounts() {
    assertThat(AttributeValues.count(5.5)).isNull();
    assertThat(AttributeValues.count(-1L)).isNull();
    assertThat(AttributeValues.count("-3")).isNull();
    assertThat(AttributeValues.count("12 tokens")).isNull();
    assertThat(AttributeValues.count("")).isNull();
    assertThat(AttributeValues.count(Double.NaN)).isNull();
    assertThat(AttributeValues.count(Double.POSITIVE_INFINITY)).isNull();
    assertThat(AttributeValues.count("1e40")).isNull();
    assertThat(AttributeValues.count(true)).isNull();
    assertThat(AttributeValues.count(null)).isNull();
  }

  @Test
  void convertsDollarsToMicrocentsRoundingHalfUp() {
    assertThat(AttributeValues.usdToMicrocents(0.0123)).isEqualTo(1_230_000L);
    assertThat(AttributeValues.usdToMicrocents("1.5")).isEqualTo(150_000_000L);
    assertThat(AttributeValues.usdToMicrocents(2L)).isEqualTo(200_000_000L);
    assertThat(AttributeValues.usdToMicrocents(new BigDecimal("0.000000005"))).isEqualTo(1L);
    assertThat(AttributeValues.usdToMicrocents(new BigDecimal("0.0000000049"))).isEqualTo(0L);
    assertThat(AttributeValues.usdToMicrocents(-0.01)).isNull();
    assertThat(AttributeValues.usdToMicrocents("free")).isNull();
    assertThat(AttributeValues.usdToMicrocents(1e300)).isNull();
  }

  @Test
  void convertsDurationsToNanos() {
    assertThat(AttributeValues.secondsToNanos(0.25)).isEqualTo(250_000_000L);
    assertThat(AttributeValues.secondsToNanos(1.2)).isEqualTo(1_200_000_000L);
    assertThat(AttributeValues.millisToNanos(412.5)).isEqualTo(412_500_000L);
    assertThat(AttributeValues.millisToNanos(350L)).isEqualTo(350_000_000L);
    assertThat(AttributeValues.millisToNanos("0.0000005")).isEqualTo(1L);
    assertThat(AttributeValues.millisToNanos(-1.0)).isNull();
  }

  @Test
  void parsesTimestampsWithAndWithoutOffsetOrExtraQuotes() {
    long expected = 1_759_308_326_112_648_000L; // 2025-10-01T08:45:26.112648Z
    assertThat(AttributeValues.epochNanos("2025-10-01T08:45:26.112648Z")).isEqualTo(expected);
    assertThat(AttributeValues.epochNanos("2025-10-01T10:45:26.112648+02:00")).isEqualTo(expected);
    assertThat(AttributeValues.epochNanos("\"2025-10-01T08:45:26.112648Z\"")).isEqualTo(expected);
    assertThat(AttributeValues.epochNanos("2025-10-01T08:45:26.112648")).isEqualTo(expected);
    assertThat(AttributeValues.epochNanos("yesterday")).isNull();
    assertThat(AttributeValues.epochNanos(12L)).isNull();
  }

  @Test
  void readsTagsFromJsonArraysCommaListsOrOneValue() {
    assertThat(AttributeValues.tags("[\"shopping\",\"travel\",\"shopping\",\" \"]"))
        .containsExactly("shopping", "travel");
    assertThat(AttributeValues.tags("[\"a\",1,true,null]")).containsExactly("a", "1", "true");
    assertThat(AttributeValues.tags("beta, prod ,,beta")).containsExactly("beta", "prod");
    assertThat(AttributeValues.tags("single")).containsExactly("single");
    assertThat(AttributeValues.tags("[not json")).containsExactly("[not json");
    assertThat(AttributeValues.tags("[]")).isNull();
    assertThat(AttributeValues.tags(" , ")).isNull();
  }

  @Test
  void totalsJsonCostObjects() {
    assertThat(
            AttributeValues.usdTotalOfJsonObject(
                "{\"input\":0.001,\"output\":0.002,\"total\":0.004}"))
        .isEqualTo(400_000L);
    assertThat(AttributeValues.usdTotalOfJsonObject("{\"input\":0.0015,\"output\":0.00225}"))
        .isEqualTo(375_000L);
    assertThat(AttributeValues.usdTotalOfJsonObject("{\"total\":\"0.5\"}")).isEqualTo(50_000_000L);
    assertThat(AttributeValues.usdTotalOfJsonObject("{\"note\":\"n/a\"}")).isNull();
    assertThat(AttributeValues.usdTotalOfJsonObject("[0.1]")).isNull();
    assertThat(AttributeValues.usdTotalOfJsonObject("0.1")).isNull();
  }

  @Test
  void rebuildsIndexedAttributesAsAJsonArrayInIndexOrder() {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("gen_ai.prompt.10.role", "user");
    attributes.put("gen_ai.prompt.10.content", "eleventh");
    attributes.put("gen_ai.prompt.2.role", "assistant");
    attributes.put("gen_ai.prompt.2.tool_calls.0.name", "lookup");
    attributes.put("gen_ai.prompt.0.role", "system");
    attributes.put("gen_ai.prompt.0.content", "Be brief.");
    attributes.put("gen_ai.prompt.x.role", "ignored");
    attributes.put("gen_ai.prompts", "ignored");
    attributes.put("gen_ai.completion.0.content", "other prefix");

    assertThat(AttributeValues.indexedJson(attributes, "gen_ai.prompt."))
        .isEqualTo(
            "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"assistant\",\"tool_calls.0.name\":\"lookup\"},"
                + "{\"role\":\"user\",\"content\":\"eleventh\"}]");
    assertThat(AttributeValues.indexedJson(Map.of("a", "b"), "gen_ai.prompt.")).isNull();
  }
}

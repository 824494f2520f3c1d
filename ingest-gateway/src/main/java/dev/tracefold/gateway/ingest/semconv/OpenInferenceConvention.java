package dev.tracefold.gateway.ingest.semconv;

import static dev.tracefold.gateway.ingest.semconv.Source.count;
import static dev.tracefold.gateway.ingest.semconv.Source.text;

import dev.tracefold.schemas.SpanKind;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * OpenInference semantic conventions (Arize), as of openinference-semantic-conventions 0.1.32: <a
 * href="https://github.com/Arize-ai/openinference/blob/main/spec/semantic_conventions.md">spec
 * /semantic_conventions.md</a> and {@code python/openinference-semantic-conventions/.../trace/
 * __init__.py}. Prompt token counts include cache reads and writes (the Anthropic instrumentation
 * adds them in), completion counts include reasoning. Costs ({@code llm.cost.*}) are in USD. The
 * first-token event is the one the OpenAI, Mistral and LlamaIndex instrumentations add to streamed
 * spans. {@code PROMPT} and {@code UNKNOWN} span kinds have no Tracefold equivalent and fall
 * through to inference.
 */
public final class OpenInferenceConvention {
  /** {@code openinference.span.kind} values to kinds. */
  static final Map<String, SpanKind> SPAN_KINDS =
      Map.of(
          "LLM", SpanKind.LLM,
          "EMBEDDING", SpanKind.EMBEDDING,
          "TOOL", SpanKind.TOOL,
          "RETRIEVER", SpanKind.RETRIEVAL,
          "RERANKER", SpanKind.RERANKER,
          "CHAIN", SpanKind.CHAIN,
          "AGENT", SpanKind.AGENT,
          "GUARDRAIL", SpanKind.GUARDRAIL,
          "EVALUATOR", SpanKind.EVALUATOR);

  /** The family's table rows. */
  public static final Convention CONVENTION =
      new Convention(
          "OpenInference",
          List.of(
              text(Field.MODEL, "llm.request.model_name"),
              text(Field.MODEL, "llm.model_name"),
              text(Field.MODEL, "embedding.model_name"),
              text(Field.MODEL, "reranker.model_name"),
              text(Field.RESPONSE_MODEL, "llm.response.model_name"),
              text(Field.PROVIDER, "llm.provider"),
              text(Field.PROVIDER, "llm.system"),
              count(Field.INPUT_TOKENS, "llm.token_count.prompt"),
              count(Field.OUTPUT_TOKENS, "llm.token_count.completion"),
              count(Field.CACHE_READ_TOKENS, "llm.token_count.prompt_details.cache_read"),
              count(Field.CACHE_WRITE_TOKENS, "llm.token_count.prompt_details.cache_write"),
              count(Field.REASONING_TOKENS, "llm.token_count.completion_details.reasoning"),
              Source.usd("llm.cost.total"),
              new Source<>(
                  Field.REPORTED_COST_MICROCENTS,
                  "llm.cost.prompt",
                  OpenInferenceConvention::promptPlusCompletionCost),
              Source.firstTokenEvent("First Token Stream Event"),
              text(Field.SESSION_ID, "session.id"),
              text(Field.USER_ID, "user.id"),
              Source.tags("tag.tags"),
              text(Field.INPUT, "input.value"),
              text(Field.OUTPUT, "output.value")),
          List.of(KindRule.values("openinference.span.kind", SPAN_KINDS)),
          List.of(),
          span -> false);

  private OpenInferenceConvention() {}

  /**
   * {@code llm.cost.prompt} + {@code llm.cost.completion} (both required) when no total is given,
   * summed before rounding.
   */
  private static Long promptPlusCompletionCost(SpanView span) {
    BigDecimal prompt = AttributeValues.decimal(span.get("llm.cost.prompt"));
    BigDecimal completion = AttributeValues.decimal(span.get("llm.cost.completion"));
    if (prompt == null || completion == null || prompt.signum() < 0 || completion.signum() < 0) {
      return null;
    }
    return AttributeValues.usdToMicrocents(prompt.add(completion));
  }
}

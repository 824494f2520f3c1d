package dev.tracefold.gateway.ingest.semconv;

import static dev.tracefold.gateway.ingest.semconv.Source.count;
import static dev.tracefold.gateway.ingest.semconv.Source.text;

import dev.tracefold.schemas.SpanKind;
import java.util.List;
import java.util.Map;

/**
 * Traceloop OpenLLMetry ({@code opentelemetry-semantic-conventions-ai} 0.4.x, {@code
 * opentelemetry.semconv_ai.SpanAttributes}; <a
 * href="https://github.com/traceloop/openllmetry/blob/main/packages/opentelemetry-semantic-conventions-ai/MIGRATION.md">MIGRATION.md</a>
 * for 0.5.x, which moved to the OpenTelemetry names). Besides the GenAI attributes it shares with
 * OpenTelemetry, it writes the pre-1.40 cache token names, its own reasoning token name, workflow
 * and task entities ({@code traceloop.span.kind}, {@code traceloop.entity.input/output}),
 * association properties set by the application ({@code session_id} and {@code user_id} are the
 * names Traceloop's documentation uses), the request type of LLM spans ({@code llm.request.type}),
 * and messages flattened into indexed attributes ({@code gen_ai.prompt.0.role}, {@code
 * gen_ai.prompt.0.content}, {@code gen_ai.completion.0.content}, ...).
 */
public final class TraceloopConvention {
  /** {@code traceloop.span.kind} values to kinds; {@code unknown} falls through. */
  static final Map<String, SpanKind> SPAN_KINDS =
      Map.of(
          "workflow", SpanKind.CHAIN,
          "task", SpanKind.CHAIN,
          "agent", SpanKind.AGENT,
          "tool", SpanKind.TOOL);

  /** {@code llm.request.type} values to kinds; {@code unknown} falls through. */
  static final Map<String, SpanKind> REQUEST_TYPE_KINDS =
      Map.of(
          "chat", SpanKind.LLM,
          "completion", SpanKind.LLM,
          "embedding", SpanKind.EMBEDDING,
          "rerank", SpanKind.RERANKER);

  /** The family's table rows. */
  public static final Convention CONVENTION =
      new Convention(
          "Traceloop OpenLLMetry",
          List.of(
              count(Field.CACHE_READ_TOKENS, "gen_ai.usage.cache_read_input_tokens"),
              count(Field.CACHE_WRITE_TOKENS, "gen_ai.usage.cache_creation_input_tokens"),
              count(Field.REASONING_TOKENS, "gen_ai.usage.reasoning_tokens"),
              text(Field.SESSION_ID, "traceloop.association.properties.session_id"),
              text(Field.USER_ID, "traceloop.association.properties.user_id"),
              text(Field.INPUT, "traceloop.entity.input"),
              indexed(Field.INPUT, "gen_ai.prompt."),
              text(Field.OUTPUT, "traceloop.entity.output"),
              indexed(Field.OUTPUT, "gen_ai.completion.")),
          List.of(
              KindRule.values("traceloop.span.kind", SPAN_KINDS),
              KindRule.values("llm.request.type", REQUEST_TYPE_KINDS)),
          List.of(),
          span -> false);

  private TraceloopConvention() {}

  /**
   * Messages flattened under {@code prefix} ({@code gen_ai.prompt.<n>.*}) as a JSON array. Only
   * scanned when message 0 exists, so spans without such attributes cost one lookup.
   */
  private static Source<String> indexed(Field<String> field, String prefix) {
    return new Source<>(
        field,
        prefix + "<n>.*",
        span ->
            span.get(prefix + "0.content") == null && span.get(prefix + "0.role") == null
                ? null
                : AttributeValues.indexedJson(span.attributes(), prefix));
  }
}

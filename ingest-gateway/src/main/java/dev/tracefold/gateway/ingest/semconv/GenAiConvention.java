package dev.tracefold.gateway.ingest.semconv;

import static dev.tracefold.gateway.ingest.semconv.Source.count;
import static dev.tracefold.gateway.ingest.semconv.Source.text;

import dev.tracefold.schemas.SpanKind;
import java.util.List;
import java.util.Map;

/**
 * OpenTelemetry semantic conventions: the GenAI attributes (semantic-conventions v1.26.0 to
 * v1.41.0, since moved to the semantic-conventions-genai repository) and the general {@code
 * session.*} / {@code user.*} attributes.
 *
 * <p>Sources: <a
 * href="https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/">GenAI attribute
 * registry</a>, <a
 * href="https://github.com/open-telemetry/semantic-conventions-genai/blob/main/model/gen-ai/registry.yaml">semantic-conventions-genai
 * registry.yaml</a>, the semantic-conventions CHANGELOG (v1.27.0 renamed {@code prompt_tokens} /
 * {@code completion_tokens}; v1.28.0 deprecated {@code gen_ai.prompt} / {@code gen_ai.completion}
 * and the {@code gen_ai.content.*} span events; v1.34.0 added {@code gen_ai.conversation.id};
 * v1.37.0 renamed {@code gen_ai.system} to {@code gen_ai.provider.name} and added {@code
 * gen_ai.input.messages} / {@code gen_ai.output.messages}; v1.40.0 added the cache token counts;
 * v1.41.0 added {@code gen_ai.usage.reasoning.output_tokens} and {@code
 * gen_ai.response.time_to_first_chunk}). Token counts follow the registry's note: input includes
 * cached tokens, output includes reasoning tokens.
 */
public final class GenAiConvention {
  /** Operation name ({@code gen_ai.operation.name}) to kind; {@code completion} is pre-1.27. */
  static final Map<String, SpanKind> OPERATION_KINDS =
      Map.ofEntries(
          Map.entry("chat", SpanKind.LLM),
          Map.entry("text_completion", SpanKind.LLM),
          Map.entry("completion", SpanKind.LLM),
          Map.entry("generate_content", SpanKind.LLM),
          Map.entry("embeddings", SpanKind.EMBEDDING),
          Map.entry("retrieval", SpanKind.RETRIEVAL),
          Map.entry("execute_tool", SpanKind.TOOL),
          Map.entry("create_agent", SpanKind.AGENT),
          Map.entry("invoke_agent", SpanKind.AGENT),
          Map.entry("invoke_workflow", SpanKind.CHAIN));

  /** The family's table rows. */
  public static final Convention CONVENTION =
      new Convention(
          "OpenTelemetry",
          List.of(
              text(Field.MODEL, "gen_ai.request.model"),
              text(Field.RESPONSE_MODEL, "gen_ai.response.model"),
              text(Field.PROVIDER, "gen_ai.provider.name"),
              text(Field.PROVIDER, "gen_ai.system"),
              count(Field.INPUT_TOKENS, "gen_ai.usage.input_tokens"),
              count(Field.INPUT_TOKENS, "gen_ai.usage.prompt_tokens"),
              count(Field.OUTPUT_TOKENS, "gen_ai.usage.output_tokens"),
              count(Field.OUTPUT_TOKENS, "gen_ai.usage.completion_tokens"),
              count(Field.CACHE_READ_TOKENS, "gen_ai.usage.cache_read.input_tokens"),
              count(Field.CACHE_WRITE_TOKENS, "gen_ai.usage.cache_creation.input_tokens"),
              count(Field.REASONING_TOKENS, "gen_ai.usage.reasoning.output_tokens"),
              Source.seconds("gen_ai.response.time_to_first_chunk"),
              text(Field.SESSION_ID, "session.id"),
              text(Field.SESSION_ID, "gen_ai.conversation.id"),
              text(Field.USER_ID, "user.id"),
              text(Field.USER_ID, "enduser.id"),
              text(Field.INPUT, "gen_ai.input.messages"),
              text(Field.INPUT, "gen_ai.tool.call.arguments"),
              text(Field.INPUT, "gen_ai.retrieval.query.text"),
              text(Field.INPUT, "gen_ai.prompt"),
              Source.eventText(Field.INPUT, "gen_ai.content.prompt", "gen_ai.prompt"),
              text(Field.OUTPUT, "gen_ai.output.messages"),
              text(Field.OUTPUT, "gen_ai.tool.call.result"),
              text(Field.OUTPUT, "gen_ai.retrieval.documents"),
              text(Field.OUTPUT, "gen_ai.completion"),
              Source.eventText(Field.OUTPUT, "gen_ai.content.completion", "gen_ai.completion")),
          List.of(KindRule.values("gen_ai.operation.name", OPERATION_KINDS)),
          List.of(
              KindRule.present("gen_ai.tool.name", SpanKind.TOOL),
              KindRule.present("gen_ai.tool.call.id", SpanKind.TOOL)),
          span -> false);

  private GenAiConvention() {}
}

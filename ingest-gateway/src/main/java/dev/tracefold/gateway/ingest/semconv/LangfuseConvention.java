package dev.tracefold.gateway.ingest.semconv;

import static dev.tracefold.gateway.ingest.semconv.Source.text;

import dev.tracefold.schemas.SpanKind;
import java.util.List;
import java.util.Map;

/**
 * Langfuse's OpenTelemetry attributes ({@code LangfuseOtelSpanAttributes} of the Langfuse SDKs and
 * of the server's {@code packages/shared/src/server/otel/attributes.ts}; <a
 * href="https://langfuse.com/docs/opentelemetry/get-started#property-mapping">property
 * mapping</a>). The SDKs (v3+) write {@code session.id} / {@code user.id} (mapped by the
 * OpenTelemetry family); {@code langfuse.session.id} / {@code langfuse.user.id} are the older
 * documented names the Langfuse server still accepts. Input, output, model and completion start
 * time are JSON-serialised by the SDK; costs in {@code cost_details} are USD.
 */
public final class LangfuseConvention {
  /**
   * {@code langfuse.observation.type} values to kinds; {@code span} and {@code event} fall through.
   */
  static final Map<String, SpanKind> OBSERVATION_KINDS =
      Map.of(
          "generation", SpanKind.LLM,
          "embedding", SpanKind.EMBEDDING,
          "agent", SpanKind.AGENT,
          "tool", SpanKind.TOOL,
          "chain", SpanKind.CHAIN,
          "retriever", SpanKind.RETRIEVAL,
          "evaluator", SpanKind.EVALUATOR,
          "guardrail", SpanKind.GUARDRAIL);

  /** The family's table rows. */
  public static final Convention CONVENTION =
      new Convention(
          "Langfuse",
          List.of(
              text(Field.MODEL, "langfuse.observation.model.name"),
              new Source<>(
                  Field.REPORTED_COST_MICROCENTS,
                  "langfuse.observation.cost_details",
                  span ->
                      AttributeValues.usdTotalOfJsonObject(
                          span.get("langfuse.observation.cost_details"))),
              Source.firstTokenTime("langfuse.observation.completion_start_time"),
              text(Field.SESSION_ID, "langfuse.session.id"),
              text(Field.USER_ID, "langfuse.user.id"),
              Source.tags("langfuse.trace.tags"),
              text(Field.INPUT, "langfuse.observation.input"),
              text(Field.OUTPUT, "langfuse.observation.output")),
          List.of(KindRule.values("langfuse.observation.type", OBSERVATION_KINDS)),
          List.of(),
          span -> false);

  private LangfuseConvention() {}
}

package dev.tracefold.gateway.ingest.semconv;

import java.util.List;

/**
 * OpenLIT ({@code openlit.semcov.SemanticConvention}): the GenAI attributes of OpenTelemetry plus
 * {@code gen_ai.usage.cost}, the call's cost in USD, which other tools (Langfuse among them) also
 * read and write. Not part of the OpenTelemetry conventions.
 */
public final class OpenLitConvention {
  /** The family's table rows. */
  public static final Convention CONVENTION =
      new Convention(
          "OpenLIT", List.of(Source.usd("gen_ai.usage.cost")), List.of(), List.of(), span -> false);

  private OpenLitConvention() {}
}

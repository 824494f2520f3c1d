package dev.tracefold.gateway.ingest.semconv;

import java.util.List;

/**
 * Names no published convention defines but hand-written instrumentation commonly uses: a span
 * event named {@code first_token} marking the first streamed token. Tracefold convention; lowest
 * precedence.
 */
public final class AdHocConvention {
  /** The family's table rows. */
  public static final Convention CONVENTION =
      new Convention(
          "Tracefold (ad hoc)",
          List.of(Source.firstTokenEvent("first_token")),
          List.of(),
          List.of(),
          span -> false);

  private AdHocConvention() {}
}

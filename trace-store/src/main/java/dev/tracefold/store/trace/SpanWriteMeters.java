package dev.tracefold.store.trace;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts how span writes reach the {@code spans} table, in the registry the store was opened with:
 *
 * <ul>
 *   <li>{@code tracefold.store.spans.staged} (counter): spans sent a second time, through the
 *       staging table, because the direct {@code COPY} of their batch met a span stored already
 *       (see {@link SpanRows#insertNew}): a batch delivered again after a restart or rebalance, a
 *       span an SDK sent twice. Spans of traces with a completed revision are checked against the
 *       stored ones first and never counted here.
 * </ul>
 *
 * Registered when the store opens. Thread-safe.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class SpanWriteMeters {
  private final Counter staged;

  /**
   * @param registry where the counter goes; null counts nothing
   */
  public SpanWriteMeters(MeterRegistry registry) {
    this.staged =
        registry == null
            ? null
            : Counter.builder("tracefold.store.spans.staged")
                .description(
                    "Spans sent again through the staging table because their batch's direct COPY"
                        + " met a stored span (replays, duplicates)")
                .register(registry);
  }

  /** Counts spans sent through the staging table. */
  void staged(int spans) {
    if (staged != null) {
      staged.increment(spans);
    }
  }
}

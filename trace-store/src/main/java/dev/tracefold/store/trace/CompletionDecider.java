package dev.tracefold.store.trace;

import dev.tracefold.store.TraceStore;

/**
 * Decides what a completed trace revision fires and which queues take it. Called by {@link
 * TraceStore#writeCompleted} inside its transaction, with the trace's row locked, so it must be
 * quick and must not touch the database.
 */
@FunctionalInterface
public interface CompletionDecider {
  /**
   * @param trace the trace as stored with this revision (for a partial revision, its rollup merged
   *     over every stored span), without spans; with its score summary and pending triggers (the
   *     triggers fired for earlier revisions that no score answers), for score filters
   * @return what to record; never null
   */
  CompletionDecision decide(StoredTrace trace);
}

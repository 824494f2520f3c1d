package dev.tracefold.sink;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.store.evaluation.DecidedTrigger;
import dev.tracefold.store.evaluation.RuleDefinition;
import dev.tracefold.store.evaluation.TraceSelection;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceSampling;
import dev.tracefold.store.trace.CompletionDecider;
import dev.tracefold.store.trace.CompletionDecision;
import dev.tracefold.store.trace.StoredTrace;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges a completed trace revision against its project's enabled rules and queues ({@link
 * RuleCache}). A rule fires when its filter matches the trace as stored with the revision ({@link
 * TraceFilter#matches}), its sampling takes the trace ({@link TraceSampling}) and its turn allows
 * the revision: {@code first} only revision 1, {@code every} any, {@code last} any but after the
 * rule's delay (the store keeps it pending and drops it if a newer revision is stored first). A
 * queue takes the trace when its filter matches and its sampling takes it. Thread-safe.
 */
final class RuleEvaluator {
  private final RuleCache rules;
  private final SinkMetrics metrics;
  private final Clock clock;

  RuleEvaluator(RuleCache rules, SinkMetrics metrics, Clock clock) {
    this.rules = rules;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * The decider for one completed revision read at {@code position}.
   *
   * @throws IllegalStateException (when called) if the rules were never loaded
   */
  CompletionDecider decider(CompletedTrace completed, Triggers.RecordPosition position) {
    return stored -> decide(completed.getRevision(), position, stored);
  }

  private CompletionDecision decide(
      int revision, Triggers.RecordPosition position, StoredTrace stored) {
    long started = System.nanoTime();
    String projectId = stored.rollup().getProjectId();
    String traceId = stored.rollup().getTraceId();
    RuleCache.ProjectSelectors selectors = rules.forProject(projectId);
    long now = clock.millis();
    List<DecidedTrigger> triggers = new ArrayList<>();
    for (RuleCache.ActiveRule active : selectors.rules()) {
      String ruleId = active.rule().id();
      RuleDefinition rule = active.rule().definition();
      if (!takes("rule", ruleId, rule.selection(), active.filter(), stored)) {
        continue;
      }
      switch (rule.turn()) {
        case FIRST -> {
          if (revision == 1) {
            triggers.add(
                DecidedTrigger.now(
                    Triggers.of(ruleId, stored.rollup(), revision, position, now), rule.turn()));
          }
        }
        case EVERY ->
            triggers.add(
                DecidedTrigger.now(
                    Triggers.of(ruleId, stored.rollup(), revision, position, now), rule.turn()));
        case LAST -> {
          long due = now + rule.lastDelayMillis();
          triggers.add(
              new DecidedTrigger(
                  Triggers.of(ruleId, stored.rollup(), revision, position, due), rule.turn(), due));
        }
      }
    }
    List<String> queueIds = new ArrayList<>();
    for (RuleCache.ActiveQueue active : selectors.queues()) {
      String queueId = active.queue().id();
      if (takes(
          "queue", queueId, active.queue().definition().selection(), active.filter(), stored)) {
        queueIds.add(queueId);
      }
    }
    metrics.ruleEvaluationTook(System.nanoTime() - started);
    if (triggers.isEmpty() && queueIds.isEmpty()) {
      return CompletionDecision.NONE;
    }
    return new CompletionDecision(triggers, queueIds);
  }

  /** Whether a rule or queue takes the trace: its filter matches and its sampling takes it. */
  private boolean takes(
      String kind,
      String selectorId,
      TraceSelection selection,
      TraceFilter filter,
      StoredTrace stored) {
    if (!filter.matches(stored)) {
      return false;
    }
    if (!TraceSampling.takes(
        selectorId, stored.rollup().getTraceId(), selection.samplingPercent())) {
      metrics.samplingSkipped(kind, selectorId);
      return false;
    }
    return true;
  }
}

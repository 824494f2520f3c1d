package dev.tracefold.store.trace;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.evaluation.DecidedTrigger;
import dev.tracefold.store.evaluation.RuleTurn;
import java.util.List;
import java.util.Objects;

/**
 * What the rules and queues of a project decided for one completed trace revision; {@link
 * TraceStore#writeCompleted} records it in the transaction that stores the revision. Immutable.
 *
 * @param triggers the triggers of the rules that matched (all of this trace and revision)
 * @param queueIds the annotation queues (of the trace's project) the trace becomes an item of
 */
public record CompletionDecision(List<DecidedTrigger> triggers, List<String> queueIds) {
  /** Nothing to fire, no queue. */
  public static final CompletionDecision NONE = new CompletionDecision(List.of(), List.of());

  public CompletionDecision {
    triggers = List.copyOf(triggers);
    queueIds = List.copyOf(queueIds);
  }

  /** Fires these triggers now, as turn {@link RuleTurn#EVERY}; no queue. */
  public static CompletionDecision fire(List<EvaluationTrigger> triggers) {
    Objects.requireNonNull(triggers, "triggers");
    return new CompletionDecision(
        triggers.stream().map(t -> DecidedTrigger.now(t, RuleTurn.EVERY)).toList(), List.of());
  }
}

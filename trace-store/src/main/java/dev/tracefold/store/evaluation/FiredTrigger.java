package dev.tracefold.store.evaluation;

import java.util.Objects;

/**
 * An evaluation trigger recorded for a trace. Immutable.
 *
 * @param triggerId the deterministic id of (rule, trace, revision)
 * @param ruleId the rule that fired
 * @param revision the trace revision it fired for
 * @param turn the rule's turn when it fired; null for triggers recorded before rules existed
 * @param firedEpochMillis when it fired, milliseconds since the Unix epoch
 * @param scorePending true while no score answers it (no score carries its trigger id)
 */
public record FiredTrigger(
    String triggerId,
    String ruleId,
    int revision,
    RuleTurn turn,
    long firedEpochMillis,
    boolean scorePending) {
  public FiredTrigger {
    Objects.requireNonNull(triggerId, "triggerId");
    Objects.requireNonNull(ruleId, "ruleId");
  }
}

package dev.tracefold.store.evaluation;

import dev.tracefold.schemas.EvaluationTrigger;
import java.util.Objects;

/**
 * A trigger a rule decided for a completed trace revision. Immutable.
 *
 * @param trigger the trigger as it will be published
 * @param turn the turn of the rule that decided it: {@link RuleTurn#LAST} triggers wait in the
 *     store until {@code dueEpochMillis}; the others are published with the revision
 * @param dueEpochMillis for turn last: when it fires unless a newer revision of the trace is stored
 *     first, milliseconds since the Unix epoch; ignored for the other turns
 */
public record DecidedTrigger(EvaluationTrigger trigger, RuleTurn turn, long dueEpochMillis) {
  public DecidedTrigger {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(turn, "turn");
  }

  /** A trigger of turn first or every, published with the revision. */
  public static DecidedTrigger now(EvaluationTrigger trigger, RuleTurn turn) {
    if (turn == RuleTurn.LAST) {
      throw new IllegalArgumentException("a trigger of turn last needs a due time");
    }
    return new DecidedTrigger(trigger, turn, 0);
  }
}

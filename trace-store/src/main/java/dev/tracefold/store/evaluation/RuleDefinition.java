package dev.tracefold.store.evaluation;

import java.util.Objects;

/**
 * What a user says of an evaluation rule: everything but its identity and timestamps. Immutable.
 *
 * @param name a name for people; not blank
 * @param enabled a disabled rule fires nothing
 * @param selection which completed traces it fires for
 * @param turn which revisions of a trace it fires for
 * @param lastDelayMillis for {@link RuleTurn#LAST}: how long, in milliseconds, a revision must stay
 *     the newest before the rule fires for it; 0 for the other turns
 */
public record RuleDefinition(
    String name, boolean enabled, TraceSelection selection, RuleTurn turn, long lastDelayMillis) {
  public RuleDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(selection, "selection");
    Objects.requireNonNull(turn, "turn");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a rule name must not be blank");
    }
    if (lastDelayMillis < 0) {
      throw new IllegalArgumentException("last delay must be >= 0 ms, was " + lastDelayMillis);
    }
    if (turn != RuleTurn.LAST && lastDelayMillis != 0) {
      throw new IllegalArgumentException("a last delay applies to turn last only, not " + turn);
    }
  }
}

package dev.tracefold.store.trace;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.store.TraceStore;
import java.util.List;

/**
 * What {@link TraceStore#writeCompleted} did with one completed trace revision. Immutable.
 *
 * @param current false if the store already held a newer revision (then no rule was asked)
 * @param triggers the triggers to publish for this revision now: every trigger of turn first or
 *     every recorded for it, the ones recorded by an earlier attempt included, so that a revision
 *     whose publication failed is published again with the same triggers
 */
public record CompletedWrite(boolean current, List<EvaluationTrigger> triggers) {
  public CompletedWrite {
    triggers = List.copyOf(triggers);
  }
}

package dev.tracefold.store.evaluation;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link ScoreStore#write}. Immutable.
 *
 * @param score the score as stored: the new one, or the one stored earlier for the same trigger and
 *     evaluator
 * @param created false when an earlier score answered the same trigger for the same evaluator (a
 *     replay): nothing was written
 * @param queueIds annotation queues the trace joined because of this score (empty for a replay)
 */
public record ScoreWrite(TraceScore score, boolean created, List<String> queueIds) {
  public ScoreWrite {
    Objects.requireNonNull(score, "score");
    queueIds = List.copyOf(queueIds);
  }
}

package dev.tracefold.store.evaluation;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The scores of a trace as its summary shows them: how many it has, and the latest score of each
 * evaluator (the one of the highest revision, the newest among those). Immutable.
 *
 * @param count every score of the trace, of every evaluator and revision
 * @param latest evaluator name to its latest score (without reason), sorted by name
 * @param pendingTriggers how many evaluation triggers fired for the trace have no score answering
 *     them; null when not loaded (listings do not load it; the completed-trace writer and score
 *     writes do, for rules and queues with {@code score_pending})
 */
public record TraceScores(
    int count, SortedMap<String, TraceScore> latest, Integer pendingTriggers) {
  /** A trace without scores; pending triggers unknown. */
  public static final TraceScores NONE = new TraceScores(0, new TreeMap<>(), null);

  public TraceScores {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    latest = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(latest)));
  }

  /** Evaluators whose latest score passed. */
  public int passedCount() {
    return (int) latest.values().stream().filter(s -> Boolean.TRUE.equals(s.passed())).count();
  }

  /** Evaluators whose latest score failed. */
  public int failedCount() {
    return (int) latest.values().stream().filter(s -> Boolean.FALSE.equals(s.passed())).count();
  }

  /** These scores with the number of pending triggers known. */
  public TraceScores withPendingTriggers(int pending) {
    return new TraceScores(count, latest, pending);
  }

  public static TraceScores of(int count, Map<String, TraceScore> latest) {
    return new TraceScores(count, new TreeMap<>(latest), null);
  }
}

package dev.tracefold.store.evaluation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the scores a {@link ScoreStore} stores, in the registry the store was opened with:
 *
 * <ul>
 *   <li>{@code tracefold.scores.written} (counter, {@code evaluator}, {@code source}): scores
 *       stored (a replay answering a trigger already answered is not counted);
 *   <li>{@code tracefold.scores.verdicts} (counter, {@code evaluator}, {@code verdict}: {@code
 *       passed} or {@code failed}): stored scores with a pass/fail verdict, for pass rates.
 * </ul>
 *
 * Evaluator names are user data: the first {@value #MAX_EVALUATORS} names seen by the process get
 * their own series, later ones count under {@value #OTHER}. Registered on first use. Thread-safe.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class ScoreMeters {
  /** Most evaluator names with their own series. */
  static final int MAX_EVALUATORS = 100;

  /** The evaluator label of names beyond {@link #MAX_EVALUATORS}. */
  static final String OTHER = "_other";

  private final MeterRegistry registry;
  private final Set<String> evaluators = ConcurrentHashMap.newKeySet();

  /**
   * @param registry where the counters go; null counts nothing
   */
  public ScoreMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts a newly stored score. */
  void written(TraceScore score) {
    if (registry == null) {
      return;
    }
    String evaluator = evaluatorLabel(score.evaluatorName());
    Counter.builder("tracefold.scores.written")
        .description("Scores stored, per evaluator and source (replays not counted)")
        .tag("evaluator", evaluator)
        .tag("source", score.source().wireName())
        .register(registry)
        .increment();
    if (score.passed() != null) {
      Counter.builder("tracefold.scores.verdicts")
          .description("Stored scores with a pass/fail verdict, per evaluator and verdict")
          .tag("evaluator", evaluator)
          .tag("verdict", score.passed() ? "passed" : "failed")
          .register(registry)
          .increment();
    }
  }

  private String evaluatorLabel(String name) {
    if (evaluators.contains(name)) {
      return name;
    }
    synchronized (evaluators) {
      if (evaluators.contains(name) || evaluators.size() < MAX_EVALUATORS) {
        evaluators.add(name);
        return name;
      }
    }
    return OTHER;
  }
}

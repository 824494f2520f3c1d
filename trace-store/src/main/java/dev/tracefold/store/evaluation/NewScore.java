package dev.tracefold.store.evaluation;

import java.util.Objects;

/**
 * A score to store ({@link ScoreStore#write}). Immutable.
 *
 * @param evaluatorName who judges; not blank
 * @param evaluatorVersion the evaluator's version; null when not given
 * @param triggerId the evaluation trigger the score answers (one fired for the trace); null for a
 *     score that answers none. With it, the score is written once per (trigger, evaluator name)
 * @param revision the trace revision judged, >= 0; null: the trigger's revision, else the trace's
 *     current one
 * @param passed pass/fail verdict; null when none
 * @param value numeric verdict, finite; null when none
 * @param label category; null when none
 * @param reason why, for people; null when none
 * @param source evaluation, annotation or custom
 * @param createdBy who writes it; null when not given
 */
public record NewScore(
    String evaluatorName,
    String evaluatorVersion,
    String triggerId,
    Integer revision,
    Boolean passed,
    Double value,
    String label,
    String reason,
    ScoreSource source,
    String createdBy) {
  /**
   * @throws IllegalArgumentException if the evaluator name is blank, the revision negative, the
   *     value not finite, or none of passed, value and label is given
   */
  public NewScore {
    Objects.requireNonNull(evaluatorName, "evaluatorName");
    Objects.requireNonNull(source, "source");
    if (evaluatorName.isBlank()) {
      throw new IllegalArgumentException("the evaluator name must not be blank");
    }
    if (revision != null && revision < 0) {
      throw new IllegalArgumentException("revision must be >= 0, was " + revision);
    }
    if (value != null && !Double.isFinite(value)) {
      throw new IllegalArgumentException("value must be finite, was " + value);
    }
    if (passed == null && value == null && label == null) {
      throw new IllegalArgumentException("a score needs at least one of passed, value and label");
    }
  }
}

package dev.tracefold.store.evaluation;

import java.util.Objects;

/**
 * One stored score: an evaluator's or a person's verdict on a trace revision. Immutable.
 *
 * @param id unique and increasing in creation order
 * @param evaluatorName who judged: the evaluator's (or person's rubric's) name
 * @param evaluatorVersion the evaluator's version; null when not given
 * @param triggerId the evaluation trigger the score answers; null for scores that answer none
 * @param ruleId the rule of that trigger; null without a trigger
 * @param revision the trace revision judged (0 for a trace never completed)
 * @param passed the pass/fail verdict; null when the score has none
 * @param value a numeric verdict (finite); null when the score has none
 * @param label a category, e.g. {@code hallucination}; null when none
 * @param reason why, for people; null when none (always null in {@link TraceScores#latest()})
 * @param source evaluation, annotation or custom
 * @param createdBy who wrote it (a person, an evaluator instance); null when not given
 * @param createdEpochMillis when it was stored, milliseconds since the Unix epoch (database clock)
 */
public record TraceScore(
    long id,
    String evaluatorName,
    String evaluatorVersion,
    String triggerId,
    String ruleId,
    int revision,
    Boolean passed,
    Double value,
    String label,
    String reason,
    ScoreSource source,
    String createdBy,
    long createdEpochMillis) {
  public TraceScore {
    Objects.requireNonNull(evaluatorName, "evaluatorName");
    Objects.requireNonNull(source, "source");
  }
}

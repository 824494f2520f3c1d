package dev.tracefold.store.trace;

import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.store.evaluation.FiredTrigger;
import dev.tracefold.store.evaluation.TraceScore;
import dev.tracefold.store.evaluation.TraceScores;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One trace as stored. Immutable (the lists are unmodifiable copies; the Avro records inside are
 * mutable objects: do not modify them).
 *
 * @param rollup the trace's aggregate figures: of the latest completed revision, or recomputed from
 *     every stored span while the trace is in progress
 * @param state {@link TraceState#IN_PROGRESS} or {@link TraceState#COMPLETE}
 * @param revision 0 until the first completion, then the latest completed revision stored
 * @param completionReason null until the first completion, then that of the latest revision
 * @param spans every stored span, in start order (start time, then span id); empty in listings
 * @param firedTriggers the evaluation triggers fired for this trace, by revision then firing time;
 *     empty in listings
 * @param userTags tags set through the API ({@code PUT /api/v1/traces/{id}/tags}), sorted; the
 *     trace's tags are these plus the rollup's (its spans' tags), see {@link #tags()}
 * @param savedEpochMillis when the trace was saved (exempt from retention), milliseconds since the
 *     Unix epoch; null when not saved
 * @param createdEpochMillis when the trace was first stored, milliseconds since the Unix epoch
 * @param revisionSpanCount how many of the stored spans the recorded revision covers: 0 for
 *     revision 0; the trace is {@link TraceState#COMPLETE} only when it covers every stored span;
 *     null when unknown (a trace stored before schema version 6 that a late span had reopened)
 * @param annotations the trace's annotations in creation order; empty in listings
 * @param scores how many scores the trace has and the latest of each evaluator (in listings too)
 * @param allScores every score of the trace in creation order; empty in listings
 */
public record StoredTrace(
    TraceRollup rollup,
    TraceState state,
    int revision,
    CompletionReason completionReason,
    List<Span> spans,
    List<FiredTrigger> firedTriggers,
    List<String> userTags,
    Long savedEpochMillis,
    long createdEpochMillis,
    Integer revisionSpanCount,
    List<TraceAnnotation> annotations,
    TraceScores scores,
    List<TraceScore> allScores) {
  public StoredTrace {
    Objects.requireNonNull(rollup, "rollup");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(scores, "scores");
    spans = List.copyOf(spans);
    firedTriggers = List.copyOf(firedTriggers);
    userTags = List.copyOf(userTags);
    annotations = List.copyOf(annotations);
    allScores = List.copyOf(allScores);
  }

  /**
   * This trace with its spans, fired triggers, annotations and scores (as found by id), and the
   * number of fired triggers no score answers.
   */
  public StoredTrace withDetails(
      List<Span> spans,
      List<FiredTrigger> firedTriggers,
      List<TraceAnnotation> annotations,
      List<TraceScore> allScores,
      int pendingTriggers) {
    return new StoredTrace(
        rollup,
        state,
        revision,
        completionReason,
        spans,
        firedTriggers,
        userTags,
        savedEpochMillis,
        createdEpochMillis,
        revisionSpanCount,
        annotations,
        scores.withPendingTriggers(pendingTriggers),
        allScores);
  }

  /** This trace with the number of fired triggers no score answers (for score_pending). */
  public StoredTrace withPendingTriggers(int pendingTriggers) {
    return withDetails(spans, firedTriggers, annotations, allScores, pendingTriggers);
  }

  /**
   * How many stored spans the recorded revision does not cover: the span count minus {@link
   * #revisionSpanCount()} (every stored span for revision 0); 0 for a complete trace.
   *
   * @return the count, or null when the revision's coverage is unknown
   */
  public Integer spansBeyondRevision() {
    if (state == TraceState.COMPLETE) {
      return 0;
    }
    return revisionSpanCount == null
        ? null
        : Math.max(0, rollup.getSpanCount() - revisionSpanCount);
  }

  /**
   * The revision whose rollup this is: {@link #revision()} when the trace is complete (the revision
   * covers every stored span); null while the trace is in progress, when the rollup is over every
   * stored span, beyond any revision.
   */
  public Integer rollupRevision() {
    return state == TraceState.COMPLETE && revision > 0 ? revision : null;
  }

  /** The trace's tags: its spans' tags and the user tags, distinct and sorted. */
  public List<String> tags() {
    TreeSet<String> tags = new TreeSet<>(rollup.getTags());
    tags.addAll(userTags);
    return List.copyOf(tags);
  }

  /** True when the trace is saved (exempt from retention). */
  public boolean saved() {
    return savedEpochMillis != null;
  }
}

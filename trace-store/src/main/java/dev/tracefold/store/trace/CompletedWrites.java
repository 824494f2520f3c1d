package dev.tracefold.store.trace;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.evaluation.DecidedTrigger;
import dev.tracefold.store.evaluation.PendingTriggerRows;
import dev.tracefold.store.evaluation.RuleTurn;
import dev.tracefold.store.evaluation.ScoreRows;
import dev.tracefold.store.evaluation.TriggerRows;
import dev.tracefold.store.sql.PgValues;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Stores completed trace revisions of distinct traces in one transaction, set-based: one statement
 * per step for all of them (locks, stored span ids, span insert, stored rows, row upsert, rows read
 * back, triggers, pending triggers, queue items, recorded triggers) instead of a dozen per
 * revision. The rules are those of {@link TraceStore#writeCompleted(CompletedTrace,
 * CompletionDecider)}, per revision. Stateless.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class CompletedWrites {
  private CompletedWrites() {}

  /**
   * One validated revision: its key as stored and its distinct spans by span id (as stored).
   *
   * @param decider asked once, with the trace as stored, unless the stored revision is newer
   */
  public record Revision(
      CompletedTrace trace, TraceKey key, Map<String, Span> spans, CompletionDecider decider) {
    public Revision {
      Objects.requireNonNull(trace, "trace");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(decider, "decider");
    }

    /**
     * Validates a revision.
     *
     * @throws IllegalArgumentException if the revision is below 1, the project id is empty or
     *     contains '/', the revision holds no span, or a span belongs to another trace
     */
    public static Revision of(CompletedTrace trace, CompletionDecider decider) {
      TraceKey key =
          new TraceKey(PgValues.text(trace.getProjectId()), PgValues.text(trace.getTraceId()));
      if (trace.getRevision() < 1) {
        throw new IllegalArgumentException(
            "Completed trace "
                + key
                + " has revision "
                + trace.getRevision()
                + "; revisions start at 1");
      }
      if (trace.getSpans().isEmpty()) {
        throw new IllegalArgumentException("Completed trace " + key + " holds no span");
      }
      Map<String, Span> spans = new LinkedHashMap<>();
      for (Span span : trace.getSpans()) {
        if (!SpanRows.traceKey(span).equals(key)) {
          throw new IllegalArgumentException(
              "Completed trace "
                  + key
                  + " holds span "
                  + span.getSpanId()
                  + " of "
                  + SpanRows.traceKey(span));
        }
        spans.putIfAbsent(PgValues.text(span.getSpanId()), span);
      }
      return new Revision(trace, key, spans, decider);
    }

    public int revision() {
      return trace.getRevision();
    }
  }

  /**
   * Writes revisions of distinct traces inside the caller's transaction.
   *
   * @param revisions at most one per trace
   * @param merger merges added spans into stored rollups (see {@code TraceStore#merged})
   * @param meters counts span writes
   * @return what was done with each revision, in input order
   * @throws IllegalArgumentException if a decider returns a trigger of another trace or revision
   */
  public static List<CompletedWrite> write(
      Connection connection, List<Revision> revisions, RollupMerger merger, SpanWriteMeters meters)
      throws SQLException {
    List<TraceKey> keys = revisions.stream().map(Revision::key).toList();
    TraceLocks.lock(connection, keys);
    Map<TraceKey, Set<String>> storedIds = SpanRows.storedSpanIds(connection, keys);
    List<EncodedSpan> missing = new ArrayList<>();
    for (Revision revision : revisions) {
      Set<String> stored = storedIds.getOrDefault(revision.key(), Set.of());
      revision
          .spans()
          .forEach(
              (id, span) -> {
                if (!stored.contains(id)) {
                  missing.add(EncodedSpan.encode(span));
                }
              });
    }
    Map<TraceKey, List<Span>> added = SpanRows.insertNew(connection, missing, meters);
    Map<TraceKey, TraceRows.Stored> rows = TraceRows.findForMerge(connection, keys);

    Map<TraceKey, List<Span>> addedToOlder = new LinkedHashMap<>();
    List<Revision> current = new ArrayList<>();
    Set<TraceKey> older = new HashSet<>();
    List<TraceRows.RevisionRow> revisionRows = new ArrayList<>();
    Map<TraceKey, List<Span>> partialMerges = new LinkedHashMap<>();
    // revisions whose rollup is merged over every stored span: state and coverage, known now
    record Merged(CompletedTrace trace, TraceState state, int covered) {}
    Map<TraceKey, Merged> mergedRows = new LinkedHashMap<>();
    for (Revision revision : revisions) {
      TraceKey key = revision.key();
      List<Span> addedNow = added.getOrDefault(key, List.of());
      Optional<TraceRows.Stored> row = Optional.ofNullable(rows.get(key));
      int storedRevision = row.map(r -> r.trace().revision()).orElse(0);
      if (storedRevision >= revision.revision()) {
        if (!addedNow.isEmpty()) {
          addedToOlder.put(key, addedNow);
        }
        if (storedRevision > revision.revision()) {
          older.add(key);
        } else {
          current.add(revision);
        }
        continue;
      }
      current.add(revision);
      int storedCount = storedIds.getOrDefault(key, Set.of()).size() + addedNow.size();
      int covered = revision.spans().size();
      if (revision.trace().getPartial()) {
        // the spans of earlier revisions are no longer in the revision, but in the store
        // (coverage unknown for rows stored before schema version 6: all stored before)
        int before =
            row.map(
                    r ->
                        r.trace().revisionSpanCount() == null
                            ? storedIds.getOrDefault(key, Set.of()).size()
                            : r.trace().revisionSpanCount())
                .orElse(0);
        covered = Math.min(storedCount, before + revision.spans().size());
      }
      TraceState state = covered >= storedCount ? TraceState.COMPLETE : TraceState.IN_PROGRESS;
      if (state == TraceState.COMPLETE && !revision.trace().getPartial()) {
        revisionRows.add(
            new TraceRows.RevisionRow(
                revision.trace(),
                IncrementalRollup.withRollup(
                    revision.trace().getRollup(), revision.spans().values()),
                state,
                covered));
      } else {
        partialMerges.put(key, addedNow);
        mergedRows.put(key, new Merged(revision.trace(), state, covered));
      }
    }
    if (!partialMerges.isEmpty()) {
      Map<TraceKey, IncrementalRollup> merged = merger.merged(connection, partialMerges, rows);
      mergedRows.forEach(
          (key, row) ->
              revisionRows.add(
                  new TraceRows.RevisionRow(
                      row.trace(), merged.get(key), row.state(), row.covered())));
    }
    if (!addedToOlder.isEmpty()) {
      TraceRows.upsertInProgress(
          connection, merger.merged(connection, addedToOlder, rows).values());
    }
    TraceRows.upsertRevisions(connection, revisionRows);

    Map<TraceKey, TraceRows.Stored> stored =
        current.isEmpty()
            ? Map.of()
            : TraceRows.findForMerge(connection, current.stream().map(Revision::key).toList());
    Map<TraceKey, Integer> pendingTriggers =
        current.isEmpty()
            ? Map.of()
            : ScoreRows.pendingTriggers(connection, current.stream().map(Revision::key).toList());
    List<DecidedTrigger> now = new ArrayList<>();
    List<DecidedTrigger> last = new ArrayList<>();
    List<PendingTriggerRows.QueueItems> queueItems = new ArrayList<>();
    Map<TraceKey, List<EvaluationTrigger>> decidedNow = new HashMap<>();
    for (Revision revision : current) {
      StoredTrace trace =
          Optional.ofNullable(stored.get(revision.key()))
              .map(TraceRows.Stored::trace)
              .orElseThrow(
                  () -> new IllegalStateException("trace " + revision.key() + " not stored"))
              .withPendingTriggers(pendingTriggers.getOrDefault(revision.key(), 0));
      CompletionDecision decision =
          Objects.requireNonNull(revision.decider().decide(trace), "decision");
      for (DecidedTrigger decided : decision.triggers()) {
        requireOwnTrigger(revision, decided.trigger());
        if (decided.turn() == RuleTurn.LAST) {
          last.add(decided);
        } else {
          now.add(decided);
          decidedNow.computeIfAbsent(revision.key(), k -> new ArrayList<>()).add(decided.trigger());
        }
      }
      if (!decision.queueIds().isEmpty()) {
        queueItems.add(
            new PendingTriggerRows.QueueItems(
                revision.key(), revision.revision(), decision.queueIds()));
      }
    }
    TriggerRows.insert(connection, now);
    PendingTriggerRows.supersede(connection, current);
    PendingTriggerRows.schedule(connection, last);
    PendingTriggerRows.addQueueItems(connection, queueItems);

    Map<TraceKey, List<EvaluationTrigger>> recorded = TriggerRows.recorded(connection, revisions);
    List<CompletedWrite> writes = new ArrayList<>(revisions.size());
    for (Revision revision : revisions) {
      Map<String, EvaluationTrigger> publish = new LinkedHashMap<>();
      for (EvaluationTrigger trigger : recorded.getOrDefault(revision.key(), List.of())) {
        publish.put(trigger.getTriggerId(), trigger);
      }
      boolean isCurrent = !older.contains(revision.key());
      if (isCurrent) {
        decidedNow
            .getOrDefault(revision.key(), List.of())
            .forEach(trigger -> publish.putIfAbsent(trigger.getTriggerId(), trigger));
      }
      writes.add(new CompletedWrite(isCurrent, List.copyOf(publish.values())));
    }
    return writes;
  }

  private static void requireOwnTrigger(Revision revision, EvaluationTrigger trigger) {
    TraceKey triggerKey =
        new TraceKey(PgValues.text(trigger.getProjectId()), PgValues.text(trigger.getTraceId()));
    if (!triggerKey.equals(revision.key()) || trigger.getRevision() != revision.revision()) {
      throw new IllegalArgumentException(
          "Trigger "
              + trigger.getTriggerId()
              + " is for "
              + triggerKey
              + " revision "
              + trigger.getRevision()
              + ", not "
              + revision.key()
              + " revision "
              + revision.revision());
    }
  }

  /** Merges added spans into stored rollups (TraceStore's merge, shared with the span writer). */
  @FunctionalInterface
  public interface RollupMerger {
    Map<TraceKey, IncrementalRollup> merged(
        Connection connection,
        Map<TraceKey, List<Span>> added,
        Map<TraceKey, TraceRows.Stored> stored)
        throws SQLException;
  }
}

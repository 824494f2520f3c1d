package dev.tracefold.store.evaluation;

import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.TraceStoreException;
import dev.tracefold.store.query.InvalidFilterException;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceFilterParams;
import dev.tracefold.store.query.TraceSampling;
import dev.tracefold.store.sql.PgValues;
import dev.tracefold.store.sql.Transactions;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceLocks;
import dev.tracefold.store.trace.TraceRows;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores: the verdicts of evaluators and people on traces, as data ({@code scores}, V7). Obtained
 * from {@link TraceStore#scores()}; shares its connection pool and counts what it stores in the
 * store's meter registry ({@link ScoreMeters}). Thread-safe.
 *
 * <p>A score answering an evaluation trigger is written once per (trigger, evaluator name): a
 * replaying evaluator gets the stored score back and nothing changes. Each write keeps the trace's
 * summary ({@code scores_count}, the latest score per evaluator) in the same transaction, under the
 * trace's lock ({@link TraceLocks}), and re-judges the project's enabled annotation queues whose
 * filter has score conditions ({@link TraceFilter#hasScoreConditions()}): the trace joins those it
 * now matches (and whose sampling takes it), once per queue, as completion does. Evaluation rules
 * are judged only when a revision is stored (the rollup sink), not on score arrival.
 */
public final class ScoreStore {
  private static final Logger log = LoggerFactory.getLogger(ScoreStore.class);

  private final Transactions transactions;
  private final ScoreMeters meters;
  private final Clock clock;

  public ScoreStore(Transactions transactions, ScoreMeters meters, Clock clock) {
    this.transactions = transactions;
    this.meters = meters;
    this.clock = clock;
  }

  /**
   * Stores a score of a trace, in one transaction: checks its trigger (one fired for this trace;
   * the score takes the trigger's revision and rule), returns the evaluator's earlier answer to the
   * same trigger if there is one (a replay: nothing is written), else inserts the score, makes it
   * its evaluator's latest unless a score of a higher revision exists, refreshes the trace's score
   * summary and re-judges the queues as described above (a trace never completed, revision 0, joins
   * no queue).
   *
   * @return the outcome, or empty if the project has no such trace
   * @throws InvalidScoreException if the trigger was not fired for this trace, or the given
   *     revision is not the trigger's
   * @throws TraceStoreException if the database fails; nothing is stored
   */
  public Optional<ScoreWrite> write(String projectId, String traceId, NewScore score) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(score, "score");
    TraceKey key = new TraceKey(PgValues.text(projectId), PgValues.text(traceId));
    Optional<ScoreWrite> written =
        transactions.write(
            "store a score of trace " + key, connection -> write(connection, key, score));
    written.filter(ScoreWrite::created).ifPresent(w -> meters.written(w.score()));
    return written;
  }

  /**
   * Counts the evaluation triggers fired in {@code [firedFrom, firedBefore)} that no score answers,
   * of rules that a score has answered at least once (so the triggers of rules whose evaluators
   * write no scores never count), up to {@code limit}. Reads the triggers of that window only
   * (index on the firing time).
   *
   * @throws TraceStoreException if the database fails
   */
  public long countUnansweredTriggers(Instant firedFrom, Instant firedBefore, int limit) {
    Objects.requireNonNull(firedFrom, "firedFrom");
    Objects.requireNonNull(firedBefore, "firedBefore");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    return transactions.read(
        "count the triggers no score answers",
        connection -> ScoreRows.unansweredTriggers(connection, firedFrom, firedBefore, limit));
  }

  private Optional<ScoreWrite> write(Connection connection, TraceKey key, NewScore score)
      throws SQLException {
    TraceLocks.lock(connection, List.of(key));
    Optional<StoredTrace> trace = TraceRows.find(connection, key);
    if (trace.isEmpty()) {
      return Optional.empty();
    }
    int revision;
    String ruleId = null;
    if (score.triggerId() != null) {
      FiredTrigger trigger =
          TriggerRows.find(connection, key, score.triggerId())
              .orElseThrow(
                  () ->
                      new InvalidScoreException(
                          "trigger_id",
                          "trigger_id '"
                              + score.triggerId()
                              + "' was not fired for trace "
                              + key.traceId()
                              + "; give a trigger_id of the trace's fired_triggers, or none"));
      if (score.revision() != null && score.revision() != trigger.revision()) {
        throw new InvalidScoreException(
            "revision",
            "revision "
                + score.revision()
                + " is not the revision of trigger "
                + trigger.triggerId()
                + " ("
                + trigger.revision()
                + "); omit revision to take the trigger's");
      }
      Optional<TraceScore> earlier =
          ScoreRows.findAnswer(connection, key, score.triggerId(), score.evaluatorName());
      if (earlier.isPresent()) {
        return Optional.of(new ScoreWrite(earlier.get(), false, List.of()));
      }
      revision = trigger.revision();
      ruleId = trigger.ruleId();
    } else {
      revision = score.revision() != null ? score.revision() : trace.get().revision();
    }
    Optional<TraceScore> inserted = ScoreRows.insert(connection, key, score, revision, ruleId);
    if (inserted.isEmpty()) {
      // unreachable under the trace lock; the unique key decides if it ever is reached
      return Optional.of(
          new ScoreWrite(
              ScoreRows.findAnswer(connection, key, score.triggerId(), score.evaluatorName())
                  .orElseThrow(),
              false,
              List.of()));
    }
    List<String> joined = rejudgeQueues(connection, key);
    return Optional.of(new ScoreWrite(inserted.get(), true, joined));
  }

  /**
   * Adds the trace, as stored now, to the project's enabled queues with score conditions that take
   * it; returns the queues it joined now.
   */
  private List<String> rejudgeQueues(Connection connection, TraceKey key) throws SQLException {
    StoredTrace current = TraceRows.find(connection, key).orElseThrow();
    if (current.revision() < 1) {
      return List.of();
    }
    List<AnnotationQueue> queues = AnnotationQueueStore.listEnabled(connection, key.projectId());
    if (queues.isEmpty()) {
      return List.of();
    }
    current = current.withPendingTriggers(ScoreRows.pendingTriggers(connection, key));
    List<String> taking = new ArrayList<>();
    for (AnnotationQueue queue : queues) {
      TraceSelection selection = queue.definition().selection();
      TraceFilter filter;
      try {
        filter = TraceFilterParams.parse(selection.filterParams(), clock.instant());
      } catch (InvalidFilterException e) {
        log.error(
            "The stored filter of annotation queue {} is invalid; skipping it: {}",
            queue.id(),
            e.getMessage());
        continue;
      }
      if (filter.hasScoreConditions()
          && filter.matches(current)
          && TraceSampling.takes(queue.id(), key.traceId(), selection.samplingPercent())) {
        taking.add(queue.id());
      }
    }
    return PendingTriggerRows.addQueueItems(connection, key, current.revision(), taking);
  }
}

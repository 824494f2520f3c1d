package dev.tracefold.store.evaluation;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.sql.PgValues;
import dev.tracefold.store.trace.CompletedWrites;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes the {@code pending_triggers} and {@code annotation_queue_items} rows that a completed
 * trace revision (or a score, for queues) adds. Stateless and thread-safe.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class PendingTriggerRows {
  /** A trigger id already fired is never scheduled again (a revision replayed after it fired). */
  private static final String SCHEDULE_SQL =
      "INSERT INTO pending_triggers (project_id, trace_id, rule_id, revision, trigger_id,"
          + " due_epoch_millis, payload) SELECT ?, ?, ?, ?, ?, ?, ?"
          + " WHERE NOT EXISTS (SELECT 1 FROM fired_triggers WHERE trigger_id = ?)"
          + " ON CONFLICT DO NOTHING";

  private static final String SUPERSEDE_SQL =
      "DELETE FROM pending_triggers p"
          + " USING unnest(?::text[], ?::text[], ?::int[]) AS k(project_id, trace_id, revision)"
          + " WHERE p.project_id = k.project_id AND p.trace_id = k.trace_id"
          + " AND p.revision < k.revision AND p.claimed_by IS NULL";
  private static final String ADD_ITEMS_SQL =
      "INSERT INTO annotation_queue_items"
          + " (project_id, queue_id, trace_id, revision, status, added_epoch_millis)"
          + " SELECT q.project_id, q.queue_id, ?, ?, 'pending', "
          + PgValues.NOW_EPOCH_MILLIS
          + " FROM annotation_queues q WHERE q.project_id = ? AND q.queue_id = ANY (?::text[])"
          // a queue deleted meanwhile is skipped instead of failing the foreign key
          + " FOR KEY SHARE OF q ON CONFLICT DO NOTHING RETURNING queue_id";

  /**
   * The annotation queues a revision of a trace joins.
   *
   * @param queueIds ids of queues of the trace's project
   */
  public record QueueItems(TraceKey trace, int revision, Collection<String> queueIds) {}

  private PendingTriggerRows() {}

  /**
   * Deletes the unclaimed pending triggers of revisions of the traces older than the given
   * revisions (one per trace): they are no longer the last.
   */
  public static void supersede(Connection connection, List<CompletedWrites.Revision> revisions)
      throws SQLException {
    if (revisions.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(SUPERSEDE_SQL)) {
      PgValues.setTraceKeys(statement, 1, revisions.stream().map(r -> r.key()).toList());
      statement.setArray(
          3,
          connection.createArrayOf(
              "int4",
              revisions.stream().map(CompletedWrites.Revision::revision).toArray(Integer[]::new)));
      statement.executeUpdate();
    }
  }

  /** Schedules triggers of turn last; one already pending or fired is left as it is. */
  public static void schedule(Connection connection, Collection<DecidedTrigger> triggers)
      throws SQLException {
    if (triggers.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(SCHEDULE_SQL)) {
      for (DecidedTrigger decided : triggers) {
        EvaluationTrigger trigger = decided.trigger();
        PgValues.setText(statement, 1, trigger.getProjectId());
        PgValues.setText(statement, 2, trigger.getTraceId());
        PgValues.setText(statement, 3, trigger.getRuleId());
        statement.setInt(4, trigger.getRevision());
        PgValues.setText(statement, 5, trigger.getTriggerId());
        statement.setLong(6, decided.dueEpochMillis());
        statement.setBytes(7, TriggerRows.SERDE.encode(trigger));
        PgValues.setText(statement, 8, trigger.getTriggerId());
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** Adds each trace to its queues that still exist; a trace already in a queue stays as it is. */
  public static void addQueueItems(Connection connection, Collection<QueueItems> items)
      throws SQLException {
    for (QueueItems item : items) {
      addQueueItems(connection, item.trace(), item.revision(), item.queueIds());
    }
  }

  /**
   * Adds the trace to the queues that still exist; a trace already in a queue stays as it is.
   *
   * @return the queues the trace joined now
   */
  public static List<String> addQueueItems(
      Connection connection, TraceKey trace, int revision, Collection<String> queueIds)
      throws SQLException {
    if (queueIds.isEmpty()) {
      return List.of();
    }
    List<String> added = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(ADD_ITEMS_SQL)) {
      statement.setString(1, trace.traceId());
      statement.setInt(2, revision);
      statement.setString(3, trace.projectId());
      PgValues.setTextArray(statement, 4, queueIds.stream().toList());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          added.add(rows.getString(1));
        }
      }
    }
    return added;
  }
}

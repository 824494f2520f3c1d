package dev.tracefold.store.evaluation;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.sql.PgValues;
import dev.tracefold.store.trace.CompletedWrites;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes the {@code fired_triggers} table: every trigger a rule fired, with its turn and
 * its Avro payload as published. Stateless and thread-safe.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class TriggerRows {
  static final AvroSerde<EvaluationTrigger> SERDE = AvroSerde.of(EvaluationTrigger.class);

  private static final String INSERT_SQL =
      "INSERT INTO fired_triggers"
          + " (trigger_id, rule_id, project_id, trace_id, revision, fired_at, turn, payload)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (trigger_id) DO NOTHING";
  private static final String COLUMNS =
      "f.trigger_id, f.rule_id, f.revision, f.turn,"
          + " (extract(epoch FROM f.fired_at) * 1000)::bigint AS fired_epoch_millis,"
          + " NOT EXISTS (SELECT 1 FROM scores s WHERE s.project_id = f.project_id"
          + " AND s.trace_id = f.trace_id AND s.trigger_id = f.trigger_id) AS score_pending";
  private static final String LIST_SQL =
      "SELECT "
          + COLUMNS
          + " FROM fired_triggers f WHERE f.project_id = ? AND f.trace_id = ?"
          + " ORDER BY f.revision, f.fired_at, f.trigger_id";
  private static final String FIND_SQL =
      "SELECT "
          + COLUMNS
          + " FROM fired_triggers f WHERE f.trigger_id = ? AND f.project_id = ? AND f.trace_id = ?";
  private static final String RECORDED_SQL =
      "SELECT f.project_id, f.trace_id, f.payload FROM fired_triggers f"
          + " JOIN unnest(?::text[], ?::text[], ?::int[]) AS k(project_id, trace_id, revision)"
          + " ON f.project_id = k.project_id AND f.trace_id = k.trace_id"
          + " AND f.revision = k.revision"
          + " WHERE f.payload IS NOT NULL AND f.turn <> 'last'"
          + " ORDER BY f.fired_at, f.trigger_id";

  private TriggerRows() {}

  /** Inserts the triggers not stored yet; an already stored trigger id keeps its first row. */
  public static void insert(
      Connection connection, Collection<EvaluationTrigger> triggers, RuleTurn turn)
      throws SQLException {
    insert(connection, triggers.stream().map(t -> new DecidedTrigger(t, turn, 0)).toList());
  }

  /**
   * Inserts the triggers not stored yet, each with its turn; an already stored trigger id keeps its
   * first row.
   */
  public static void insert(Connection connection, Collection<DecidedTrigger> triggers)
      throws SQLException {
    if (triggers.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(INSERT_SQL)) {
      for (DecidedTrigger decided : triggers) {
        EvaluationTrigger trigger = decided.trigger();
        RuleTurn turn = decided.turn();
        PgValues.setText(statement, 1, trigger.getTriggerId());
        PgValues.setText(statement, 2, trigger.getRuleId());
        PgValues.setText(statement, 3, trigger.getProjectId());
        PgValues.setText(statement, 4, trigger.getTraceId());
        statement.setInt(5, trigger.getRevision());
        statement.setObject(
            6,
            OffsetDateTime.ofInstant(
                Instant.ofEpochMilli(trigger.getFiredEpochMillis()), ZoneOffset.UTC));
        statement.setString(7, turn.wireName());
        statement.setBytes(8, SERDE.encode(trigger));
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /**
   * The triggers of turn first or every recorded for these revisions (one per trace), as they were
   * recorded (and published, or to be published), by trace, in firing order.
   */
  public static Map<TraceKey, List<EvaluationTrigger>> recorded(
      Connection connection, List<CompletedWrites.Revision> revisions) throws SQLException {
    Map<TraceKey, List<EvaluationTrigger>> triggers = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(RECORDED_SQL)) {
      PgValues.setTraceKeys(statement, 1, revisions.stream().map(r -> r.key()).toList());
      statement.setArray(
          3,
          connection.createArrayOf(
              "int4",
              revisions.stream().map(CompletedWrites.Revision::revision).toArray(Integer[]::new)));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          triggers
              .computeIfAbsent(
                  new TraceKey(rows.getString(1), rows.getString(2)), k -> new ArrayList<>())
              .add(SERDE.decode(rows.getBytes(3)));
        }
      }
    }
    return triggers;
  }

  /** The triggers fired for a trace, by revision, then firing time, then id. */
  public static List<FiredTrigger> list(Connection connection, TraceKey trace) throws SQLException {
    List<FiredTrigger> fired = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(LIST_SQL)) {
      statement.setString(1, trace.projectId());
      statement.setString(2, trace.traceId());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          fired.add(read(rows));
        }
      }
    }
    return fired;
  }

  /** The trigger with this id if it was fired for this trace. */
  static Optional<FiredTrigger> find(Connection connection, TraceKey trace, String triggerId)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(FIND_SQL)) {
      PgValues.setText(statement, 1, triggerId);
      statement.setString(2, trace.projectId());
      statement.setString(3, trace.traceId());
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  private static FiredTrigger read(ResultSet rows) throws SQLException {
    String turn = rows.getString("turn");
    return new FiredTrigger(
        rows.getString("trigger_id"),
        rows.getString("rule_id"),
        rows.getInt("revision"),
        turn == null ? null : RuleTurn.fromWireName(turn),
        rows.getLong("fired_epoch_millis"),
        rows.getBoolean("score_pending"));
  }
}

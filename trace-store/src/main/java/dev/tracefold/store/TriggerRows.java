package dev.tracefold.store;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.TraceKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads and writes the {@code fired_triggers} table: every trigger a rule fired, with its turn and
 * its Avro payload as published. Stateless and thread-safe.
 */
final class TriggerRows {
  static final AvroSerde<EvaluationTrigger> SERDE = AvroSerde.of(EvaluationTrigger.class);

  private static final String INSERT_SQL =
      "INSERT INTO fired_triggers"
          + " (trigger_id, rule_id, project_id, trace_id, revision, fired_at, turn, payload)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (trigger_id) DO NOTHING";
  private static final String LIST_SQL =
      "SELECT trigger_id, rule_id, revision, turn,"
          + " (extract(epoch FROM fired_at) * 1000)::bigint AS fired_epoch_millis"
          + " FROM fired_triggers WHERE project_id = ? AND trace_id = ?"
          + " ORDER BY revision, fired_at, trigger_id";
  private static final String RECORDED_SQL =
      "SELECT payload FROM fired_triggers"
          + " WHERE project_id = ? AND trace_id = ? AND revision = ? AND payload IS NOT NULL"
          + " AND turn <> 'last' ORDER BY fired_at, trigger_id";

  private TriggerRows() {}

  /** Inserts the triggers not stored yet; an already stored trigger id keeps its first row. */
  static void insert(Connection connection, Collection<EvaluationTrigger> triggers, RuleTurn turn)
      throws SQLException {
    if (triggers.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(INSERT_SQL)) {
      for (EvaluationTrigger trigger : triggers) {
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
   * The triggers of turn first or every recorded for one revision of a trace, as they were
   * recorded (and published, or to be published).
   */
  static List<EvaluationTrigger> recorded(Connection connection, TraceKey trace, int revision)
      throws SQLException {
    List<EvaluationTrigger> triggers = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(RECORDED_SQL)) {
      statement.setString(1, trace.projectId());
      statement.setString(2, trace.traceId());
      statement.setInt(3, revision);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          triggers.add(SERDE.decode(rows.getBytes(1)));
        }
      }
    }
    return triggers;
  }

  /** The triggers fired for a trace, by revision, then firing time, then id. */
  static List<FiredTrigger> list(Connection connection, TraceKey trace) throws SQLException {
    List<FiredTrigger> fired = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(LIST_SQL)) {
      statement.setString(1, trace.projectId());
      statement.setString(2, trace.traceId());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          String turn = rows.getString("turn");
          fired.add(
              new FiredTrigger(
                  rows.getString("trigger_id"),
                  rows.getString("rule_id"),
                  rows.getInt("revision"),
                  turn == null ? null : RuleTurn.fromWireName(turn),
                  rows.getLong("fired_epoch_millis")));
        }
      }
    }
    return fired;
  }
}

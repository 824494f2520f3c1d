package dev.tracefold.store;

import dev.tracefold.schemas.EvaluationTrigger;
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

/** Reads and writes the {@code fired_triggers} table. Stateless and thread-safe. */
final class TriggerRows {
  private static final String INSERT_SQL =
      "INSERT INTO fired_triggers (trigger_id, rule_id, project_id, trace_id, revision, fired_at)"
          + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (trigger_id) DO NOTHING";
  private static final String LIST_SQL =
      "SELECT trigger_id FROM fired_triggers WHERE project_id = ? AND trace_id = ?"
          + " ORDER BY revision, fired_at, trigger_id";

  private TriggerRows() {}

  /** Inserts the triggers not stored yet; an already stored trigger id keeps its first row. */
  static void insert(Connection connection, Collection<EvaluationTrigger> triggers)
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
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** Ids of the triggers fired for a trace, by revision, then firing time, then id. */
  static List<String> list(Connection connection, TraceKey trace) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(LIST_SQL)) {
      statement.setString(1, trace.projectId());
      statement.setString(2, trace.traceId());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
    }
    return ids;
  }
}

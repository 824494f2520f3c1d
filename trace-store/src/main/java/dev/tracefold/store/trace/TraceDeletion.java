package dev.tracefold.store.trace;

import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.sql.PgValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Deletes traces with everything stored for them: the trace row (annotations follow by foreign
 * key), then the spans and fired trigger records of the rows actually deleted. Used by the API's
 * delete and by retention; callers hold the traces' locks ({@link TraceLocks}). Stateless and
 * thread-safe.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class TraceDeletion {
  private static final String KEYS = "unnest(?::text[], ?::text[]) AS k(project_id, trace_id)";
  private static final String DELETE_TRACES_SQL =
      "DELETE FROM traces t USING "
          + KEYS
          + " WHERE t.project_id = k.project_id AND t.trace_id = k.trace_id";
  private static final String EXPIRED =
      " AND t.created_epoch_millis < ? AND t.saved_epoch_millis IS NULL";
  private static final String RETURNING = " RETURNING t.project_id, t.trace_id";
  private static final String DELETE_SPANS_SQL =
      "DELETE FROM spans s USING "
          + KEYS
          + " WHERE s.project_id = k.project_id AND s.trace_id = k.trace_id";
  private static final String DELETE_TRIGGERS_SQL =
      "DELETE FROM fired_triggers f USING "
          + KEYS
          + " WHERE f.project_id = k.project_id AND f.trace_id = k.trace_id";

  private static final String DELETE_PENDING_TRIGGERS_SQL =
      "DELETE FROM pending_triggers p USING "
          + KEYS
          + " WHERE p.project_id = k.project_id AND p.trace_id = k.trace_id"
          + " AND p.claimed_by IS NULL";

  private TraceDeletion() {}

  /** Deletes the traces; returns the ones that existed. */
  static List<TraceKey> delete(Connection connection, Collection<TraceKey> traces)
      throws SQLException {
    return deleteWhere(connection, traces, DELETE_TRACES_SQL + RETURNING, null);
  }

  /**
   * Deletes those of the traces that are still expired: first stored before {@code
   * cutoffEpochMillis} and not saved (checked again under the locks); returns the ones deleted.
   */
  public static List<TraceKey> deleteExpired(
      Connection connection, Collection<TraceKey> traces, long cutoffEpochMillis)
      throws SQLException {
    return deleteWhere(
        connection, traces, DELETE_TRACES_SQL + EXPIRED + RETURNING, cutoffEpochMillis);
  }

  private static List<TraceKey> deleteWhere(
      Connection connection, Collection<TraceKey> traces, String sql, Long cutoffEpochMillis)
      throws SQLException {
    List<TraceKey> deleted = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      PgValues.setTraceKeys(statement, 1, traces);
      if (cutoffEpochMillis != null) {
        statement.setLong(3, cutoffEpochMillis);
      }
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          deleted.add(new TraceKey(rows.getString(1), rows.getString(2)));
        }
      }
    }
    if (!deleted.isEmpty()) {
      execute(connection, DELETE_SPANS_SQL, deleted);
      execute(connection, DELETE_TRIGGERS_SQL, deleted);
      execute(connection, DELETE_PENDING_TRIGGERS_SQL, deleted);
    }
    return deleted;
  }

  private static void execute(Connection connection, String sql, Collection<TraceKey> traces)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      PgValues.setTraceKeys(statement, 1, traces);
      statement.executeUpdate();
    }
  }
}

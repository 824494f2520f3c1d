package dev.tracefold.store;

import dev.tracefold.schemas.topic.TraceKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

/**
 * Deletes traces with everything stored for them: spans, fired trigger records and the trace row
 * (annotations follow by foreign key). Used by the API's delete and by retention; callers hold the
 * traces' locks ({@link TraceLocks}). Stateless and thread-safe.
 */
final class TraceDeletion {
  private static final String KEYS = "unnest(?::text[], ?::text[]) AS k(project_id, trace_id)";
  private static final String DELETE_SPANS_SQL =
      "DELETE FROM spans s USING "
          + KEYS
          + " WHERE s.project_id = k.project_id AND s.trace_id = k.trace_id";
  private static final String DELETE_TRIGGERS_SQL =
      "DELETE FROM fired_triggers f USING "
          + KEYS
          + " WHERE f.project_id = k.project_id AND f.trace_id = k.trace_id";
  private static final String DELETE_TRACES_SQL =
      "DELETE FROM traces t USING "
          + KEYS
          + " WHERE t.project_id = k.project_id AND t.trace_id = k.trace_id";

  private TraceDeletion() {}

  /** Deletes the traces; returns how many trace rows existed. */
  static int delete(Connection connection, Collection<TraceKey> traces) throws SQLException {
    String[] projects = new String[traces.size()];
    String[] traceIds = new String[traces.size()];
    int i = 0;
    for (TraceKey trace : traces) {
      projects[i] = trace.projectId();
      traceIds[i] = trace.traceId();
      i++;
    }
    execute(connection, DELETE_SPANS_SQL, projects, traceIds);
    execute(connection, DELETE_TRIGGERS_SQL, projects, traceIds);
    return execute(connection, DELETE_TRACES_SQL, projects, traceIds);
  }

  private static int execute(Connection connection, String sql, String[] projects, String[] ids)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, connection.createArrayOf("text", projects));
      statement.setArray(2, connection.createArrayOf("text", ids));
      return statement.executeUpdate();
    }
  }
}

package dev.tracefold.store.trace;

import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.sql.PgValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes the {@code trace_annotations} table. Stateless and thread-safe. *
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class AnnotationRows {
  private static final String COLUMNS =
      "annotation_id, text, author, score, label, created_epoch_millis";
  private static final String INSERT_SQL =
      "INSERT INTO trace_annotations (project_id, trace_id, text, author, score, label,"
          + " created_epoch_millis) SELECT project_id, trace_id, ?, ?, ?, ?, "
          + PgValues.NOW_EPOCH_MILLIS
          + " FROM traces WHERE project_id = ? AND trace_id = ? RETURNING "
          + COLUMNS;
  private static final String LIST_SQL =
      "SELECT "
          + COLUMNS
          + " FROM trace_annotations WHERE project_id = ? AND trace_id = ? ORDER BY annotation_id";

  private AnnotationRows() {}

  /** Adds an annotation to a stored trace; empty when the trace is not stored. */
  static Optional<TraceAnnotation> insert(
      Connection connection, TraceKey trace, String text, String author, Double score, String label)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(INSERT_SQL)) {
      PgValues.setText(statement, 1, text);
      PgValues.setText(statement, 2, author);
      if (score == null) {
        statement.setNull(3, Types.DOUBLE);
      } else {
        statement.setDouble(3, score);
      }
      PgValues.setText(statement, 4, label);
      statement.setString(5, trace.projectId());
      statement.setString(6, trace.traceId());
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  /** The trace's annotations in creation order. */
  public static List<TraceAnnotation> list(Connection connection, TraceKey trace)
      throws SQLException {
    List<TraceAnnotation> annotations = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(LIST_SQL)) {
      statement.setString(1, trace.projectId());
      statement.setString(2, trace.traceId());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          annotations.add(read(rows));
        }
      }
    }
    return annotations;
  }

  private static TraceAnnotation read(ResultSet rows) throws SQLException {
    double scoreValue = rows.getDouble("score");
    Double score = rows.wasNull() ? null : scoreValue;
    return new TraceAnnotation(
        rows.getLong("annotation_id"),
        rows.getString("text"),
        rows.getString("author"),
        score,
        rows.getString("label"),
        rows.getLong("created_epoch_millis"));
  }
}

package dev.tracefold.store.trace;

import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.TraceStoreException;
import dev.tracefold.store.sql.PgValues;
import dev.tracefold.store.sql.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What users change on stored traces: user tags, annotations, the saved mark, deletion. Obtained
 * from {@link TraceStore#curation()}; shares its connection pool. The span and completed-trace
 * writers never touch user tags and the saved mark, so a late span or a replayed revision keeps
 * them.
 *
 * <p>Every method acts on one project's trace and reports a trace the project does not have as
 * empty (or false), never touching another project's trace of the same id. Thread-safe.
 */
public final class TraceCuration {
  private static final String SET_TAGS_SQL =
      "UPDATE traces SET user_tags = ? WHERE project_id = ? AND trace_id = ? RETURNING "
          + TraceRows.SELECT_COLUMNS;
  private static final String SET_SAVED_SQL =
      "UPDATE traces SET saved_epoch_millis = CASE WHEN ? THEN coalesce(saved_epoch_millis, "
          + PgValues.NOW_EPOCH_MILLIS
          + ") END WHERE project_id = ? AND trace_id = ? RETURNING "
          + TraceRows.SELECT_COLUMNS;

  private final Transactions transactions;

  public TraceCuration(Transactions transactions) {
    this.transactions = transactions;
  }

  /**
   * Replaces the trace's user tags (the tags of its spans stay; see {@link StoredTrace#tags()}).
   *
   * @param tags the new user tags; duplicates are dropped, the rest stored sorted
   * @return the trace as updated (without spans), or empty if the project has no such trace
   * @throws TraceStoreException if the database fails
   */
  public Optional<StoredTrace> setUserTags(
      String projectId, String traceId, Collection<String> tags) {
    TraceKey key = key(projectId, traceId);
    String[] sorted = new TreeSet<>(tags).toArray(String[]::new);
    return transactions.write(
        "set the tags of trace " + key,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(SET_TAGS_SQL)) {
            statement.setArray(1, PgValues.textArray(connection, List.of(sorted)));
            statement.setString(2, key.projectId());
            statement.setString(3, key.traceId());
            return readOne(statement);
          }
        });
  }

  /**
   * Adds an annotation to the trace.
   *
   * @param text the note; not null
   * @param author who wrote it; not null
   * @param score optional numeric judgement; null when none
   * @param label optional category; null when none
   * @return the stored annotation, or empty if the project has no such trace
   * @throws TraceStoreException if the database fails
   */
  public Optional<TraceAnnotation> annotate(
      String projectId, String traceId, String text, String author, Double score, String label) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(author, "author");
    TraceKey key = key(projectId, traceId);
    return transactions.write(
        "annotate trace " + key,
        connection -> AnnotationRows.insert(connection, key, text, author, score, label));
  }

  /**
   * Marks the trace saved (exempt from retention) or not. Saving a saved trace keeps its first
   * saving time.
   *
   * @return the trace as updated (without spans), or empty if the project has no such trace
   * @throws TraceStoreException if the database fails
   */
  public Optional<StoredTrace> setSaved(String projectId, String traceId, boolean saved) {
    TraceKey key = key(projectId, traceId);
    return transactions.write(
        (saved ? "save" : "unsave") + " trace " + key,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(SET_SAVED_SQL)) {
            statement.setBoolean(1, saved);
            statement.setString(2, key.projectId());
            statement.setString(3, key.traceId());
            return readOne(statement);
          }
        });
  }

  /**
   * Deletes the trace with its spans, annotations and fired trigger records, holding the trace's
   * write lock (so it never interleaves with the span writers). Trace sets keep the id. Spans of
   * the trace that arrive later store it anew.
   *
   * @return true if the trace existed
   * @throws TraceStoreException if the database fails
   */
  public boolean deleteTrace(String projectId, String traceId) {
    TraceKey key = key(projectId, traceId);
    return transactions.write(
        "delete trace " + key,
        connection -> {
          TraceLocks.lock(connection, List.of(key));
          return !TraceDeletion.delete(connection, List.of(key)).isEmpty();
        });
  }

  private static Optional<StoredTrace> readOne(PreparedStatement statement) throws SQLException {
    try (ResultSet rows = statement.executeQuery()) {
      return rows.next() ? Optional.of(TraceRows.read(rows)) : Optional.empty();
    }
  }

  private static TraceKey key(String projectId, String traceId) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceId, "traceId");
    return new TraceKey(PgValues.text(projectId), PgValues.text(traceId));
  }
}

package dev.tracefold.store.evaluation;

import dev.tracefold.store.Page;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.TraceStoreException;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.sql.PgValues;
import dev.tracefold.store.sql.ResourceTable;
import dev.tracefold.store.sql.Transactions;
import dev.tracefold.store.trace.TraceRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Annotation queues and their items ({@code annotation_queues}, {@code annotation_queue_items}).
 * The rollup sink adds items as traces complete ({@link TraceStore#writeCompleted}); reviewers list
 * them and mark them done. Obtained from {@link TraceStore#annotationQueues()}; shares its
 * connection pool. A new queue takes traces completed from then on; replacing a queue's definition
 * keeps its items; deleting it deletes them. {@link #find} and {@link #list} give each queue's item
 * counts, {@link #listEnabled} does not (zero). Every method but {@link #listEnabled} acts on one
 * project and reports a queue the project does not have as empty (or false). Thread-safe.
 */
public final class AnnotationQueueStore
    extends ProjectResourceStore<QueueDefinition, AnnotationQueue> {
  private static final String COUNTS =
      "(SELECT count(*) FROM annotation_queue_items i WHERE i.project_id = q.project_id"
          + " AND i.queue_id = q.queue_id AND i.status = 'pending') AS pending_count,"
          + " (SELECT count(*) FROM annotation_queue_items i WHERE i.project_id = q.project_id"
          + " AND i.queue_id = q.queue_id AND i.status = 'done') AS done_count";
  private static final String COLUMNS =
      "q.project_id, q.queue_id, q.name, q.description, q.enabled,"
          + " q.filter_params::text AS filter_params, q.sampling_percent,"
          + " q.created_epoch_millis, q.updated_epoch_millis";
  private static final String INSERT_SQL =
      "INSERT INTO annotation_queues AS q (project_id, queue_id, name, description, enabled,"
          + " filter_params, sampling_percent, created_epoch_millis, updated_epoch_millis)"
          + " VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, "
          + PgValues.NOW_EPOCH_MILLIS
          + ", "
          + PgValues.NOW_EPOCH_MILLIS
          + ") RETURNING "
          + COLUMNS
          + ", 0::bigint AS pending_count, 0::bigint AS done_count";
  private static final String UPDATE_SQL =
      "UPDATE annotation_queues AS q SET name = ?, description = ?, enabled = ?,"
          + " filter_params = ?::jsonb, sampling_percent = ?, updated_epoch_millis = "
          + PgValues.NOW_EPOCH_MILLIS
          + " WHERE q.project_id = ? AND q.queue_id = ? RETURNING "
          + COLUMNS
          + ", "
          + COUNTS;
  private static final String LIST_ENABLED_SQL =
      "SELECT "
          + COLUMNS
          + ", 0::bigint AS pending_count, 0::bigint AS done_count"
          + " FROM annotation_queues q WHERE q.enabled ORDER BY q.project_id, q.queue_id";
  private static final String LIST_PROJECT_ENABLED_SQL =
      "SELECT "
          + COLUMNS
          + ", 0::bigint AS pending_count, 0::bigint AS done_count"
          + " FROM annotation_queues q WHERE q.project_id = ? AND q.enabled ORDER BY q.queue_id";

  /** Item columns (renamed where the traces table has a column of the same name) + trace. */
  private static final String ITEM_SELECT =
      "SELECT i.queue_id, i.revision AS item_revision, i.status AS item_status,"
          + " i.added_epoch_millis, i.done_epoch_millis, i.done_by, x.* FROM ";

  private static final String ITEM_TRACE =
      " i JOIN LATERAL (SELECT "
          + TraceRows.SELECT_COLUMNS
          + " FROM traces WHERE project_id = i.project_id AND trace_id = i.trace_id) x ON true";
  private static final String ITEMS_SQL =
      ITEM_SELECT
          + "annotation_queue_items"
          + ITEM_TRACE
          + " WHERE i.project_id = ? AND i.queue_id = ? AND (?::text IS NULL OR i.status = ?)"
          + " ORDER BY i.added_epoch_millis, i.trace_id LIMIT ? OFFSET ?";
  private static final String SET_STATUS_SQL =
      "WITH updated AS (UPDATE annotation_queue_items SET status = ?::text,"
          + " done_epoch_millis = CASE WHEN ?::text = 'done' THEN coalesce(done_epoch_millis, "
          + PgValues.NOW_EPOCH_MILLIS
          + ") END, done_by = CASE WHEN ?::text = 'done' THEN ?::text END"
          + " WHERE project_id = ? AND queue_id = ? AND trace_id = ? RETURNING *) "
          + ITEM_SELECT
          + "updated"
          + ITEM_TRACE;

  private final Transactions transactions;

  public AnnotationQueueStore(Transactions transactions) {
    super(
        new ResourceTable<>(
            transactions,
            "annotation queue",
            "annotation_queues",
            "q",
            "queue_id",
            COLUMNS + ", " + COUNTS,
            "q.created_epoch_millis, q.queue_id",
            AnnotationQueueStore::read),
        INSERT_SQL,
        UPDATE_SQL,
        LIST_ENABLED_SQL);
    this.transactions = transactions;
  }

  /**
   * The enabled queues of one project, by id, without item counts (zero): what a score re-judges
   * ({@link ScoreStore#write}), read in the score's transaction.
   */
  static List<AnnotationQueue> listEnabled(Connection connection, String projectId)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(LIST_PROJECT_ENABLED_SQL)) {
      statement.setString(1, projectId);
      return ResourceTable.readAll(statement, AnnotationQueueStore::read);
    }
  }

  /**
   * One page of a queue's items, in the order they were added (then by trace id).
   *
   * @param status only items with this status; null for all
   * @param page 1-based page number
   * @param pageSize items per page, 1 to {@link TraceQuery#MAX_PAGE_SIZE}
   * @return the page (empty for a queue the project does not have)
   * @throws TraceStoreException if the database fails
   */
  public Page<AnnotationQueueItem> items(
      String projectId, String queueId, QueueItemStatus status, int page, int pageSize) {
    TraceQuery.checkPage(page, pageSize);
    String project = ResourceTable.project(projectId);
    String wireStatus = status == null ? null : status.wireName();
    return transactions.read(
        "list the items of annotation queue " + queueId + " of project " + projectId,
        connection -> {
          List<AnnotationQueueItem> items = new ArrayList<>();
          try (PreparedStatement statement = connection.prepareStatement(ITEMS_SQL)) {
            statement.setString(1, project);
            PgValues.setText(statement, 2, queueId);
            statement.setString(3, wireStatus);
            statement.setString(4, wireStatus);
            statement.setInt(5, pageSize + 1);
            statement.setLong(6, (long) (page - 1) * pageSize);
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                items.add(readItem(rows));
              }
            }
          }
          return Page.of(items, pageSize);
        });
  }

  /**
   * Marks an item done (keeping the first done time) or pending again.
   *
   * @param doneBy who marked it done; stored for {@link QueueItemStatus#DONE} only; may be null
   * @return the item as updated, or empty if the queue has no item for this trace
   * @throws TraceStoreException if the database fails
   */
  public Optional<AnnotationQueueItem> setItemStatus(
      String projectId, String queueId, String traceId, QueueItemStatus status, String doneBy) {
    String project = ResourceTable.project(projectId);
    Objects.requireNonNull(status, "status");
    return transactions.write(
        "set the status of trace " + traceId + " in annotation queue " + queueId,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(SET_STATUS_SQL)) {
            statement.setString(1, status.wireName());
            statement.setString(2, status.wireName());
            statement.setString(3, status.wireName());
            PgValues.setText(statement, 4, doneBy);
            statement.setString(5, project);
            PgValues.setText(statement, 6, queueId);
            PgValues.setText(statement, 7, traceId);
            try (ResultSet rows = statement.executeQuery()) {
              return rows.next() ? Optional.of(readItem(rows)) : Optional.empty();
            }
          }
        });
  }

  /** Binds name, description, enabled, filter and sampling from {@code index}; returns the next. */
  @Override
  int bind(PreparedStatement statement, int index, QueueDefinition definition) throws SQLException {
    int i = index;
    PgValues.setText(statement, i++, definition.name());
    PgValues.setText(statement, i++, definition.description());
    statement.setBoolean(i++, definition.enabled());
    statement.setString(i++, PgValues.paramsJson(definition.selection().filterParams()));
    statement.setDouble(i++, definition.selection().samplingPercent());
    return i;
  }

  private static AnnotationQueue read(ResultSet rows) throws SQLException {
    return new AnnotationQueue(
        rows.getString("project_id"),
        rows.getString("queue_id"),
        new QueueDefinition(
            rows.getString("name"),
            rows.getString("description"),
            rows.getBoolean("enabled"),
            new TraceSelection(
                PgValues.params(rows.getString("filter_params")),
                rows.getDouble("sampling_percent"))),
        rows.getLong("pending_count"),
        rows.getLong("done_count"),
        rows.getLong("created_epoch_millis"),
        rows.getLong("updated_epoch_millis"));
  }

  private static AnnotationQueueItem readItem(ResultSet rows) throws SQLException {
    return new AnnotationQueueItem(
        rows.getString("queue_id"),
        TraceRows.read(rows),
        rows.getInt("item_revision"),
        QueueItemStatus.fromWireName(rows.getString("item_status")),
        rows.getLong("added_epoch_millis"),
        PgValues.getLong(rows, "done_epoch_millis"),
        rows.getString("done_by"));
  }
}

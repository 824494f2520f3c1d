package dev.tracefold.store;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.topic.TraceKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads and writes the {@code traces} table. Stateless and thread-safe. */
final class TraceRows {
  /** The TraceRollup columns, in TraceRollup field order; the first two are the key. */
  private static final List<String> ROLLUP_COLUMNS =
      List.of(
          "project_id",
          "trace_id",
          "root_span_id",
          "root_span_name",
          "status",
          "start_epoch_nanos",
          "end_epoch_nanos",
          "duration_nanos",
          "span_count",
          "error_count",
          "input_tokens",
          "output_tokens",
          "cache_read_tokens",
          "cache_write_tokens",
          "reasoning_tokens",
          "total_tokens",
          "cost_microcents",
          "cost_is_estimated",
          "time_to_first_token_nanos",
          "models",
          "providers",
          "service_names",
          "session_id",
          "user_id",
          "tags",
          "metadata",
          "input",
          "output",
          "source");

  /** Columns a {@link StoredTrace} is read from. */
  static final String SELECT_COLUMNS =
      String.join(", ", ROLLUP_COLUMNS)
          + ", state, revision, completion_reason, user_tags, saved_epoch_millis,"
          + " created_epoch_millis, revision_span_count";

  /**
   * New trace row, or new rollup of an existing one, in progress; keeps revision, reason and
   * revision span count.
   */
  private static final String UPSERT_IN_PROGRESS_SQL =
      insertSql()
          + " ON CONFLICT (project_id, trace_id) DO UPDATE SET "
          + updateRollupSql()
          + ", state = EXCLUDED.state, updated_at = now()";

  /** A completed revision; never replaces a newer or equal stored revision. */
  private static final String UPSERT_REVISION_SQL =
      insertSql()
          + " ON CONFLICT (project_id, trace_id) DO UPDATE SET "
          + updateRollupSql()
          + ", state = EXCLUDED.state, revision = EXCLUDED.revision,"
          + " completion_reason = EXCLUDED.completion_reason,"
          + " revision_span_count = EXCLUDED.revision_span_count, updated_at = now()"
          + " WHERE traces.revision < EXCLUDED.revision";

  private static final String FIND_SQL =
      "SELECT " + SELECT_COLUMNS + " FROM traces WHERE project_id = ? AND trace_id = ?";

  private static final String FIND_FOR_MERGE_SQL =
      "SELECT "
          + SELECT_COLUMNS
          + ", rollup_state FROM traces"
          + " JOIN unnest(?::text[], ?::text[]) AS k(key_project_id, key_trace_id)"
          + " ON project_id = k.key_project_id AND trace_id = k.key_trace_id";

  /**
   * A stored trace row with the state its rollup is merged with.
   *
   * @param trace the row (without spans, triggers and annotations)
   * @param state the rollup's merge state; null for rows stored before schema version 6
   */
  record Stored(StoredTrace trace, RollupState state) {
    /** The stored rollup with its state, or empty when the state is unknown. */
    Optional<IncrementalRollup> incremental() {
      return state == null
          ? Optional.empty()
          : Optional.of(new IncrementalRollup(trace.rollup(), state));
    }
  }

  private TraceRows() {}

  /**
   * Inserts or updates in-progress rows with these rollups (one per trace); a new row gets revision
   * 0, covering no span.
   */
  static void upsertInProgress(Connection connection, Collection<IncrementalRollup> rollups)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(UPSERT_IN_PROGRESS_SQL)) {
      for (IncrementalRollup rollup : rollups) {
        bindRow(statement, rollup, TraceState.IN_PROGRESS, 0, null, 0);
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /**
   * Stores a completed revision unless the stored revision is the same or newer.
   *
   * @param rollup the rollup to store: the revision's own when it covers every stored span, else
   *     the one over every stored span
   * @param state {@link TraceState#COMPLETE} when the revision covers every stored span, else
   *     {@link TraceState#IN_PROGRESS}
   * @param revisionSpanCount how many of the stored spans the revision covers
   */
  static void upsertRevision(
      Connection connection,
      CompletedTrace trace,
      IncrementalRollup rollup,
      TraceState state,
      int revisionSpanCount)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(UPSERT_REVISION_SQL)) {
      bindRow(
          statement,
          rollup,
          state,
          trace.getRevision(),
          trace.getCompletionReason(),
          revisionSpanCount);
      statement.executeUpdate();
    }
  }

  /** The stored rows of these traces with their merge states; traces without a row are absent. */
  static Map<TraceKey, Stored> findForMerge(Connection connection, Collection<TraceKey> traces)
      throws SQLException {
    Map<TraceKey, Stored> stored = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(FIND_FOR_MERGE_SQL)) {
      PgValues.setTraceKeys(statement, 1, traces);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          StoredTrace trace = read(rows);
          stored.put(
              new TraceKey(rows.getString("project_id"), rows.getString("trace_id")),
              new Stored(trace, RollupState.fromJson(rows.getString("rollup_state"))));
        }
      }
    }
    return stored;
  }

  /** The trace (without spans, triggers and annotations), or empty if none is stored. */
  static Optional<StoredTrace> find(Connection connection, TraceKey trace) throws SQLException {
    return find(connection, trace.projectId(), trace.traceId());
  }

  /** The trace (without spans, triggers and annotations), or empty if none is stored. */
  static Optional<StoredTrace> find(Connection connection, String projectId, String traceId)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(FIND_SQL)) {
      statement.setString(1, projectId);
      statement.setString(2, traceId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  /**
   * Reads the trace at the result set's current row (selected with {@link #SELECT_COLUMNS}),
   * without spans, trigger ids and annotations.
   */
  static StoredTrace read(ResultSet rows) throws SQLException {
    TraceRollup rollup =
        TraceRollup.newBuilder()
            .setProjectId(rows.getString("project_id"))
            .setTraceId(rows.getString("trace_id"))
            .setRootSpanId(rows.getString("root_span_id"))
            .setRootSpanName(rows.getString("root_span_name"))
            .setStatus(SpanStatus.valueOf(rows.getString("status")))
            .setStartEpochNanos(rows.getLong("start_epoch_nanos"))
            .setEndEpochNanos(rows.getLong("end_epoch_nanos"))
            .setDurationNanos(rows.getLong("duration_nanos"))
            .setSpanCount(rows.getInt("span_count"))
            .setErrorCount(rows.getInt("error_count"))
            .setInputTokens(rows.getLong("input_tokens"))
            .setOutputTokens(rows.getLong("output_tokens"))
            .setCacheReadTokens(rows.getLong("cache_read_tokens"))
            .setCacheWriteTokens(rows.getLong("cache_write_tokens"))
            .setReasoningTokens(rows.getLong("reasoning_tokens"))
            .setTotalTokens(rows.getLong("total_tokens"))
            .setCostMicrocents(PgValues.getLong(rows, "cost_microcents"))
            .setCostIsEstimated(rows.getBoolean("cost_is_estimated"))
            .setTimeToFirstTokenNanos(PgValues.getLong(rows, "time_to_first_token_nanos"))
            .setModels(PgValues.getTextArray(rows, "models"))
            .setProviders(PgValues.getTextArray(rows, "providers"))
            .setServiceNames(PgValues.getTextArray(rows, "service_names"))
            .setSessionId(rows.getString("session_id"))
            .setUserId(rows.getString("user_id"))
            .setTags(PgValues.getTextArray(rows, "tags"))
            .setMetadata(PgValues.stringMap(rows.getString("metadata")))
            .setInput(rows.getString("input"))
            .setOutput(rows.getString("output"))
            .setSource(rows.getString("source"))
            .build();
    String reason = rows.getString("completion_reason");
    return new StoredTrace(
        rollup,
        TraceState.fromWireName(rows.getString("state")),
        rows.getInt("revision"),
        reason == null ? null : CompletionReason.valueOf(reason),
        List.of(),
        List.of(),
        PgValues.getTextArray(rows, "user_tags"),
        PgValues.getLong(rows, "saved_epoch_millis"),
        rows.getLong("created_epoch_millis"),
        PgValues.getInteger(rows, "revision_span_count"),
        List.of());
  }

  /** Binds every column of {@link #insertSql()}. */
  private static void bindRow(
      PreparedStatement s,
      IncrementalRollup rollup,
      TraceState state,
      int revision,
      CompletionReason reason,
      int revisionSpanCount)
      throws SQLException {
    int i = bindRollup(s, rollup.rollup());
    s.setString(i++, state.wireName());
    s.setInt(i++, revision);
    s.setString(i++, reason == null ? null : reason.name());
    s.setString(i++, rollup.state().toJson());
    s.setInt(i, revisionSpanCount);
  }

  /** Binds the rollup columns from parameter 1; returns the next parameter index. */
  private static int bindRollup(PreparedStatement s, TraceRollup r) throws SQLException {
    int i = 1;
    PgValues.setText(s, i++, r.getProjectId());
    PgValues.setText(s, i++, r.getTraceId());
    PgValues.setText(s, i++, r.getRootSpanId());
    PgValues.setText(s, i++, r.getRootSpanName());
    s.setString(i++, r.getStatus().name());
    s.setLong(i++, r.getStartEpochNanos());
    s.setLong(i++, r.getEndEpochNanos());
    s.setLong(i++, r.getDurationNanos());
    s.setInt(i++, r.getSpanCount());
    s.setInt(i++, r.getErrorCount());
    s.setLong(i++, r.getInputTokens());
    s.setLong(i++, r.getOutputTokens());
    s.setLong(i++, r.getCacheReadTokens());
    s.setLong(i++, r.getCacheWriteTokens());
    s.setLong(i++, r.getReasoningTokens());
    s.setLong(i++, r.getTotalTokens());
    PgValues.setLong(s, i++, r.getCostMicrocents());
    s.setBoolean(i++, r.getCostIsEstimated());
    PgValues.setLong(s, i++, r.getTimeToFirstTokenNanos());
    PgValues.setTextArray(s, i++, r.getModels());
    PgValues.setTextArray(s, i++, r.getProviders());
    PgValues.setTextArray(s, i++, r.getServiceNames());
    PgValues.setText(s, i++, r.getSessionId());
    PgValues.setText(s, i++, r.getUserId());
    PgValues.setTextArray(s, i++, r.getTags());
    s.setString(i++, PgValues.json(r.getMetadata()));
    PgValues.setText(s, i++, r.getInput());
    PgValues.setText(s, i++, r.getOutput());
    PgValues.setText(s, i++, r.getSource());
    return i;
  }

  private static String insertSql() {
    List<String> placeholders = new ArrayList<>();
    for (String column : ROLLUP_COLUMNS) {
      placeholders.add(column.equals("metadata") ? "?::jsonb" : "?");
    }
    return "INSERT INTO traces ("
        + String.join(", ", ROLLUP_COLUMNS)
        + ", state, revision, completion_reason, rollup_state, revision_span_count, updated_at)"
        + " VALUES ("
        + String.join(", ", placeholders)
        + ", ?, ?, ?, ?::jsonb, ?, now())";
  }

  private static String updateRollupSql() {
    List<String> assignments = new ArrayList<>();
    for (String column : ROLLUP_COLUMNS.subList(2, ROLLUP_COLUMNS.size())) {
      assignments.add(column + " = EXCLUDED." + column);
    }
    assignments.add("rollup_state = EXCLUDED.rollup_state");
    return String.join(", ", assignments);
  }
}

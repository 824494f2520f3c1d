package dev.tracefold.store.trace;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.evaluation.ScoreRows;
import dev.tracefold.store.evaluation.TraceScores;
import dev.tracefold.store.sql.PgCopy;
import dev.tracefold.store.sql.PgValues;
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

/**
 * Reads and writes the {@code traces} table. Stateless and thread-safe. *
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class TraceRows {
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
  public static final String SELECT_COLUMNS =
      String.join(", ", ROLLUP_COLUMNS)
          + ", state, revision, completion_reason, user_tags, saved_epoch_millis,"
          + " created_epoch_millis, revision_span_count, scores_count, latest_scores";

  /** The columns written from a rollup row, in {@link #write} order. */
  private static final String WRITTEN_COLUMNS =
      String.join(", ", ROLLUP_COLUMNS)
          + ", state, revision, completion_reason, rollup_state, revision_span_count";

  /**
   * New trace rows, or new rollups of existing ones, in progress; keeps revision, reason and
   * revision span count.
   */
  private static final String UPSERT_IN_PROGRESS_SQL =
      "WITH staged AS (DELETE FROM trace_staging RETURNING "
          + WRITTEN_COLUMNS
          + ") INSERT INTO traces ("
          + WRITTEN_COLUMNS
          + ", updated_at) SELECT "
          + WRITTEN_COLUMNS
          + ", now() FROM staged ON CONFLICT (project_id, trace_id) DO UPDATE SET "
          + updateRollupSql()
          + ", state = EXCLUDED.state, updated_at = now()";

  /** A completed revision; never replaces a newer or equal stored revision. */
  private static final String UPSERT_REVISION_SQL =
      UPSERT_IN_PROGRESS_SQL
          + ", revision = EXCLUDED.revision, completion_reason = EXCLUDED.completion_reason,"
          + " revision_span_count = EXCLUDED.revision_span_count"
          + " WHERE traces.revision < EXCLUDED.revision";

  /**
   * A completed revision's row.
   *
   * @param rollup the rollup to store: the revision's own when it covers every stored span, else
   *     the one over every stored span
   * @param state {@link TraceState#COMPLETE} when the revision covers every stored span, else
   *     {@link TraceState#IN_PROGRESS}
   * @param revisionSpanCount how many of the stored spans the revision covers
   */
  record RevisionRow(
      CompletedTrace trace, IncrementalRollup rollup, TraceState state, int revisionSpanCount) {}

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
  public record Stored(StoredTrace trace, RollupState state) {
    /** The stored rollup with its state, or empty when the state is unknown. */
    public Optional<IncrementalRollup> incremental() {
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
  public static void upsertInProgress(Connection connection, Collection<IncrementalRollup> rollups)
      throws SQLException {
    PgCopy copy = new PgCopy(ROLLUP_COLUMNS.size() + 5);
    rollups.forEach(rollup -> write(copy, rollup, TraceState.IN_PROGRESS, 0, null, 0));
    upsert(connection, copy, UPSERT_IN_PROGRESS_SQL);
  }

  /**
   * Stores completed revisions (one per trace), each unless the stored revision is the same or
   * newer.
   */
  static void upsertRevisions(Connection connection, Collection<RevisionRow> revisions)
      throws SQLException {
    PgCopy copy = new PgCopy(ROLLUP_COLUMNS.size() + 5);
    for (RevisionRow r : revisions) {
      write(
          copy,
          r.rollup(),
          r.state(),
          r.trace().getRevision(),
          r.trace().getCompletionReason(),
          r.revisionSpanCount());
    }
    upsert(connection, copy, UPSERT_REVISION_SQL);
  }

  /**
   * Copies the rows into the session's temporary {@code trace_staging} and upserts them from there
   * with {@code sql}, which empties the staging table.
   */
  private static void upsert(Connection connection, PgCopy rows, String sql) throws SQLException {
    if (rows.rows() == 0) {
      return;
    }
    PgCopy.createStaging(connection, "trace_staging", "traces");
    rows.copyInto(connection, "trace_staging (" + WRITTEN_COLUMNS + ")");
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.executeUpdate();
    }
  }

  /** The stored rows of these traces with their merge states; traces without a row are absent. */
  public static Map<TraceKey, Stored> findForMerge(
      Connection connection, Collection<TraceKey> traces) throws SQLException {
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

  /**
   * The trace (without spans, triggers, annotations and score list; its pending triggers unknown),
   * or empty if none is stored.
   */
  public static Optional<StoredTrace> find(Connection connection, TraceKey trace)
      throws SQLException {
    return find(connection, trace.projectId(), trace.traceId());
  }

  /** The trace (without spans, triggers and annotations), or empty if none is stored. */
  public static Optional<StoredTrace> find(Connection connection, String projectId, String traceId)
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
   * without spans, trigger ids, annotations and score list, with its score summary (pending
   * triggers unknown).
   */
  public static StoredTrace read(ResultSet rows) throws SQLException {
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
        List.of(),
        TraceScores.of(
            rows.getInt("scores_count"), ScoreRows.latest(rows.getString("latest_scores"))),
        List.of());
  }

  /** Writes one row, its columns in {@link #WRITTEN_COLUMNS} order. */
  private static void write(
      PgCopy row,
      IncrementalRollup rollup,
      TraceState state,
      int revision,
      CompletionReason reason,
      int revisionSpanCount) {
    TraceRollup r = rollup.rollup();
    row.row()
        .text(r.getProjectId())
        .text(r.getTraceId())
        .text(r.getRootSpanId())
        .text(r.getRootSpanName())
        .text(r.getStatus().name())
        .int8(r.getStartEpochNanos())
        .int8(r.getEndEpochNanos())
        .int8(r.getDurationNanos())
        .int4(r.getSpanCount())
        .int4(r.getErrorCount())
        .int8(r.getInputTokens())
        .int8(r.getOutputTokens())
        .int8(r.getCacheReadTokens())
        .int8(r.getCacheWriteTokens())
        .int8(r.getReasoningTokens())
        .int8(r.getTotalTokens())
        .int8(r.getCostMicrocents())
        .bool(r.getCostIsEstimated())
        .int8(r.getTimeToFirstTokenNanos())
        .textArray(r.getModels())
        .textArray(r.getProviders())
        .textArray(r.getServiceNames())
        .text(r.getSessionId())
        .text(r.getUserId())
        .textArray(r.getTags())
        .jsonb(r.getMetadata())
        .text(r.getInput())
        .text(r.getOutput())
        .text(r.getSource())
        .text(state.wireName())
        .int4(revision)
        .text(reason == null ? null : reason.name())
        .jsonb(rollup.state().toJson())
        .int4(revisionSpanCount);
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

package dev.tracefold.store.trace;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.sql.PgCopy;
import dev.tracefold.store.sql.PgValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the {@code spans} table. Stateless and thread-safe.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class SpanRows {
  static final AvroSerde<Span> SERDE = AvroSerde.of(Span.class);

  /** Start order, as TraceRollups orders spans: start time, then span id. */
  public static final Comparator<Span> START_ORDER =
      Comparator.comparingLong(Span::getStartEpochNanos).thenComparing(Span::getSpanId);

  private static final String COLUMNS =
      "project_id, trace_id, span_id, parent_span_id, name, kind, otel_span_kind, status,"
          + " status_message, start_epoch_nanos, end_epoch_nanos, duration_nanos, service_name,"
          + " scope_name, model, provider, input_tokens, output_tokens, cache_read_tokens,"
          + " cache_write_tokens, reasoning_tokens, cost_microcents, cost_is_estimated,"
          + " time_to_first_token_nanos, session_id, user_id, tags, attributes,"
          + " resource_attributes, source, ingested_epoch_millis, payload";
  private static final int COLUMN_COUNT = 32;

  /** SQLSTATE unique_violation. */
  private static final String UNIQUE_VIOLATION = "23505";

  /** The most a batch's copy buffer starts with; it grows beyond if the rows need it. */
  private static final int MAX_EXPECTED_COPY_BYTES = 64 * 1024 * 1024;

  /** Moves the staged rows (emptying the staging table) into {@code spans}. */
  private static final String INSERT_SQL =
      "WITH staged AS (DELETE FROM span_staging RETURNING "
          + COLUMNS
          + ") INSERT INTO spans ("
          + COLUMNS
          + ") SELECT "
          + COLUMNS
          + " FROM staged ON CONFLICT (project_id, trace_id, span_id) DO NOTHING"
          + " RETURNING project_id, trace_id, span_id";

  private static final String SPAN_IDS_SQL =
      "SELECT s.project_id, s.trace_id, s.span_id FROM spans s"
          + " JOIN unnest(?::text[], ?::text[]) AS k(project_id, trace_id)"
          + " ON s.project_id = k.project_id AND s.trace_id = k.trace_id";

  /**
   * Per trace, the first span in the order: parentless first, then orphans (parent not stored),
   * then start, then span id (byte order, as Java orders the hex ids).
   */
  private static final String ORPHAN_ROOTS_SQL =
      "SELECT k.project_id, k.trace_id, r.payload FROM unnest(?::text[], ?::text[]) AS"
          + " k(project_id, trace_id) CROSS JOIN LATERAL (SELECT s.payload FROM spans s WHERE"
          + " s.project_id = k.project_id AND s.trace_id = k.trace_id ORDER BY s.parent_span_id IS"
          + " NOT NULL, EXISTS (SELECT 1 FROM spans p WHERE p.project_id = s.project_id AND"
          + " p.trace_id = s.trace_id AND p.span_id = s.parent_span_id), s.start_epoch_nanos,"
          + " s.span_id COLLATE \"C\" LIMIT 1) r";

  /**
   * A trace's spans in start order after a position, as many as fit in a byte budget: a span is
   * taken while the payload bytes before it (on this page) are below the budget, so the first one
   * always is.
   */
  private static final String PAGE_SQL =
      "SELECT payload, remaining FROM (SELECT payload, start_epoch_nanos, span_id,"
          + " sum(octet_length(payload)) OVER (ORDER BY start_epoch_nanos, span_id COLLATE \"C\")"
          + " - octet_length(payload) AS bytes_before, count(*) OVER () AS remaining FROM spans"
          + " WHERE project_id = ? AND trace_id = ?"
          + " AND (start_epoch_nanos > ? OR (start_epoch_nanos = ? AND span_id COLLATE \"C\" > ?))"
          + ") s WHERE bytes_before < ? ORDER BY start_epoch_nanos, span_id COLLATE \"C\" LIMIT ?";

  private static final String LOAD_ONE_SQL =
      "SELECT payload FROM spans WHERE project_id = ? AND trace_id = ?";

  private SpanRows() {}

  /** The trace key of a span, with the ids as stored (see {@link PgValues#text}). */
  public static TraceKey traceKey(Span span) {
    return new TraceKey(PgValues.text(span.getProjectId()), PgValues.text(span.getTraceId()));
  }

  /**
   * The spans with later duplicates (same project, trace and span id) removed, in input order.
   *
   * @param traces receives the spans' traces, in order of first appearance
   */
  public static List<EncodedSpan> distinct(
      Collection<EncodedSpan> spans, Collection<TraceKey> traces) {
    Map<TraceKey, Set<String>> ids = new LinkedHashMap<>();
    List<EncodedSpan> distinct = new ArrayList<>(spans.size());
    for (EncodedSpan span : spans) {
      if (ids.computeIfAbsent(span.traceKey(), k -> new HashSet<>()).add(span.spanId())) {
        distinct.add(span);
      }
    }
    traces.addAll(ids.keySet());
    return distinct;
  }

  /**
   * Inserts the spans that are not stored yet. First a binary {@code COPY} straight into {@code
   * spans} under a savepoint: one write per span, which is every batch of spans not seen before
   * (the span writer's and the completed-trace writer's normal case). Only when that meets a stored
   * span (unique violation, SQLSTATE 23505: a batch delivered again after a restart or rebalance, a
   * span an SDK sent twice) is the savepoint rolled back and the batch sent the careful way: {@code
   * COPY} into the session's temporary table {@code span_staging}, then {@code INSERT ... SELECT
   * ... ON CONFLICT DO NOTHING RETURNING} into {@code spans}, emptying the staging table in the
   * same statement. The caller holds the traces' locks ({@link TraceLocks}), so no other writer
   * inserts their spans in between. Callers that know a batch may hold stored spans leave them out
   * first ({@link #withoutStored}), so that the batch is sent once.
   *
   * @param spans distinct spans (see {@link #distinct})
   * @param meters counts the spans sent again through staging
   * @return the spans inserted now, by trace (input order); traces without a new span are absent
   */
  public static Map<TraceKey, List<Span>> insertNew(
      Connection connection, List<EncodedSpan> spans, SpanWriteMeters meters) throws SQLException {
    Map<TraceKey, List<Span>> inserted = new LinkedHashMap<>();
    if (spans.isEmpty()) {
      return inserted;
    }
    PgCopy copy = new PgCopy(COLUMN_COUNT, expectedCopyBytes(spans));
    for (EncodedSpan span : spans) {
      write(copy, span);
    }
    if (copiedWithoutConflict(connection, copy)) {
      for (EncodedSpan span : spans) {
        inserted.computeIfAbsent(span.traceKey(), k -> new ArrayList<>()).add(span.span());
      }
      return inserted;
    }
    meters.staged(spans.size());
    Map<TraceKey, Map<String, Span>> byId = new HashMap<>();
    spans.forEach(
        span ->
            byId.computeIfAbsent(span.traceKey(), k -> new HashMap<>())
                .put(span.spanId(), span.span()));
    PgCopy.createStaging(connection, "span_staging", "spans");
    copy.copyInto(connection, "span_staging (" + COLUMNS + ")");
    try (PreparedStatement statement = connection.prepareStatement(INSERT_SQL);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        TraceKey trace = new TraceKey(rows.getString(1), rows.getString(2));
        inserted
            .computeIfAbsent(trace, k -> new ArrayList<>())
            .add(byId.get(trace).get(rows.getString(3)));
      }
    }
    return inserted;
  }

  /**
   * About what the spans' rows take in the copy: each row holds the span's payload, and its columns
   * repeat about as much again (texts, attributes as JSON), plus per-row framing.
   */
  private static int expectedCopyBytes(List<EncodedSpan> spans) {
    long bytes = 0;
    for (EncodedSpan span : spans) {
      bytes += 2L * span.payload().length + 256;
    }
    return (int) Math.min(bytes, MAX_EXPECTED_COPY_BYTES);
  }

  /**
   * Copies the rows straight into {@code spans} under a savepoint.
   *
   * @return true if every row was inserted; false if one was stored already (the savepoint is then
   *     rolled back: nothing of the copy is left)
   * @throws SQLException any other failure of the copy
   */
  private static boolean copiedWithoutConflict(Connection connection, PgCopy copy)
      throws SQLException {
    Savepoint savepoint = connection.setSavepoint();
    try {
      copy.copyInto(connection, "spans (" + COLUMNS + ")");
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      connection.rollback(savepoint);
      return false;
    }
    connection.releaseSavepoint(savepoint);
    return true;
  }

  /**
   * The ids of the traces' stored spans (as stored, see {@link PgValues#text}), by trace:
   * index-only scans. Traces without a stored span are absent.
   */
  static Map<TraceKey, Set<String>> storedSpanIds(
      Connection connection, Collection<TraceKey> traces) throws SQLException {
    Map<TraceKey, Set<String>> ids = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(SPAN_IDS_SQL)) {
      PgValues.setTraceKeys(statement, 1, traces);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ids.computeIfAbsent(
                  new TraceKey(rows.getString(1), rows.getString(2)), k -> new HashSet<>())
              .add(rows.getString(3));
        }
      }
    }
    return ids;
  }

  /**
   * The spans minus those already stored, reading the stored span ids of the given traces only
   * (index-only scans): a span of another trace is kept unread.
   *
   * @param spans distinct spans (see {@link #distinct})
   * @param traces the traces that may hold stored spans of the batch
   * @return the spans not stored, in input order
   */
  public static List<EncodedSpan> withoutStored(
      Connection connection, List<EncodedSpan> spans, Collection<TraceKey> traces)
      throws SQLException {
    if (traces.isEmpty()) {
      return spans;
    }
    Map<TraceKey, Set<String>> stored = storedSpanIds(connection, traces);
    List<EncodedSpan> unstored = new ArrayList<>(spans.size());
    for (EncodedSpan span : spans) {
      Set<String> ids = stored.get(span.traceKey());
      if (ids == null || !ids.contains(span.spanId())) {
        unstored.add(span);
      }
    }
    return unstored;
  }

  /**
   * The root span of each trace among its stored spans, when none of them is parentless: the
   * earliest orphan (parent not stored), else the earliest span, as {@link
   * dev.tracefold.schemas.rollup.TraceRollups#findRoot} picks it. Reads the typed columns of the
   * trace's spans and decodes one payload per trace.
   *
   * @return the root by trace; traces without stored spans are absent
   */
  public static Map<TraceKey, Span> findOrphanRoots(
      Connection connection, Collection<TraceKey> traces) throws SQLException {
    Map<TraceKey, Span> roots = new HashMap<>();
    if (traces.isEmpty()) {
      return roots;
    }
    try (PreparedStatement statement = connection.prepareStatement(ORPHAN_ROOTS_SQL)) {
      PgValues.setTraceKeys(statement, 1, traces);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          roots.put(
              new TraceKey(rows.getString(1), rows.getString(2)), SERDE.decode(rows.getBytes(3)));
        }
      }
    }
    return roots;
  }

  /** Every stored span of one trace, in start order; empty when none is stored. */
  public static List<Span> load(Connection connection, TraceKey trace) throws SQLException {
    List<Span> spans = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(LOAD_ONE_SQL)) {
      statement.setString(1, trace.projectId());
      statement.setString(2, trace.traceId());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          spans.add(SERDE.decode(rows.getBytes(1)));
        }
      }
    }
    spans.sort(START_ORDER);
    return spans;
  }

  /**
   * One page of a trace's stored spans in start order.
   *
   * @param after the position to continue after; null for the first page
   * @param limit most spans on the page, at least 1
   * @param maxBytes byte budget of the page's span payloads (the first span is always taken)
   */
  public static SpanPage page(
      Connection connection, TraceKey trace, SpanPage.Position after, int limit, long maxBytes)
      throws SQLException {
    List<Span> spans = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(PAGE_SQL)) {
      statement.setString(1, trace.projectId());
      statement.setString(2, trace.traceId());
      long afterStart = after == null ? Long.MIN_VALUE : after.startEpochNanos();
      statement.setLong(3, afterStart);
      statement.setLong(4, afterStart);
      statement.setString(5, after == null ? "" : after.spanId());
      statement.setLong(6, maxBytes);
      statement.setInt(7, limit);
      long remaining = 0;
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          spans.add(SERDE.decode(rows.getBytes(1)));
          remaining = rows.getLong(2);
        }
      }
      boolean more = remaining > spans.size();
      return new SpanPage(spans, more ? SpanPage.Position.of(spans.get(spans.size() - 1)) : null);
    }
  }

  /** Writes the span's row, its columns in {@link #COLUMNS} order. */
  private static void write(PgCopy row, EncodedSpan encoded) {
    Span span = encoded.span();
    row.row()
        .text(span.getProjectId())
        .text(span.getTraceId())
        .text(span.getSpanId())
        .text(span.getParentSpanId())
        .text(span.getName())
        .text(span.getKind().name())
        .text(span.getOtelSpanKind())
        .text(span.getStatus().name())
        .text(span.getStatusMessage())
        .int8(span.getStartEpochNanos())
        .int8(span.getEndEpochNanos())
        .int8(span.getEndEpochNanos() - span.getStartEpochNanos())
        .text(span.getServiceName())
        .text(span.getScopeName())
        .text(span.getModel())
        .text(span.getProvider())
        .int8(span.getInputTokens())
        .int8(span.getOutputTokens())
        .int8(span.getCacheReadTokens())
        .int8(span.getCacheWriteTokens())
        .int8(span.getReasoningTokens())
        .int8(span.getCostMicrocents())
        .bool(span.getCostIsEstimated())
        .int8(span.getTimeToFirstTokenNanos())
        .text(span.getSessionId())
        .text(span.getUserId())
        .textArray(span.getTags())
        .jsonb(span.getAttributes())
        .jsonb(span.getResourceAttributes())
        .text(span.getSource())
        .int8(span.getIngestedEpochMillis())
        .bytes(encoded.payload());
  }
}

package dev.tracefold.store;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.TraceKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and writes the {@code spans} table. Stateless and thread-safe. */
final class SpanRows {
  static final AvroSerde<Span> SERDE = AvroSerde.of(Span.class);

  /** Start order, as TraceRollups orders spans: start time, then span id. */
  static final Comparator<Span> START_ORDER =
      Comparator.comparingLong(Span::getStartEpochNanos).thenComparing(Span::getSpanId);

  private static final String COLUMNS =
      "project_id, trace_id, span_id, parent_span_id, name, kind, otel_span_kind, status,"
          + " status_message, start_epoch_nanos, end_epoch_nanos, duration_nanos, service_name,"
          + " scope_name, model, provider, input_tokens, output_tokens, cache_read_tokens,"
          + " cache_write_tokens, reasoning_tokens, cost_microcents, cost_is_estimated,"
          + " time_to_first_token_nanos, session_id, user_id, tags, attributes,"
          + " resource_attributes, source, ingested_epoch_millis, payload";
  private static final String ROW_PLACEHOLDERS =
      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?::jsonb,?::jsonb,?,?,?)";
  private static final int COLUMN_COUNT = 32;

  /** Rows per INSERT statement: 500 x 32 parameters stays far below PostgreSQL's 65,535. */
  private static final int ROWS_PER_STATEMENT = 500;

  private static final String SPAN_IDS_SQL =
      "SELECT span_id FROM spans WHERE project_id = ? AND trace_id = ?";

  /**
   * Per trace, the first span in the order: parentless first, then orphans (parent not stored), then start, then
   * span id (byte order, as Java orders the hex ids).
   */
  private static final String ORPHAN_ROOTS_SQL =
      "SELECT k.project_id, k.trace_id, r.payload"
          + " FROM unnest(?::text[], ?::text[]) AS k(project_id, trace_id)"
          + " CROSS JOIN LATERAL (SELECT s.payload FROM spans s"
          + " WHERE s.project_id = k.project_id AND s.trace_id = k.trace_id"
          + " ORDER BY s.parent_span_id IS NOT NULL, EXISTS (SELECT 1 FROM spans p WHERE p.project_id = s.project_id"
          + " AND p.trace_id = s.trace_id AND p.span_id = s.parent_span_id),"
          + " s.start_epoch_nanos, s.span_id COLLATE \"C\" LIMIT 1) r";
  private static final String LOAD_ONE_SQL =
      "SELECT payload FROM spans WHERE project_id = ? AND trace_id = ?";

  private SpanRows() {}

  /** The trace key of a span, with the ids as stored (see {@link PgValues#text}). */
  static TraceKey traceKey(Span span) {
    return new TraceKey(PgValues.text(span.getProjectId()), PgValues.text(span.getTraceId()));
  }

  /** The spans with later duplicates (same project, trace and span id) removed, in input order. */
  static List<EncodedSpan> distinct(Collection<EncodedSpan> spans) {
    Map<List<String>, EncodedSpan> byId = new LinkedHashMap<>();
    for (EncodedSpan span : spans) {
      byId.putIfAbsent(id(span.span()), span);
    }
    return new ArrayList<>(byId.values());
  }

  /**
   * Inserts the spans that are not stored yet ({@code ON CONFLICT DO NOTHING}).
   *
   * @param spans distinct spans (see {@link #distinct})
   * @return the spans inserted now, by trace (input order); traces without a new span are absent
   */
  static Map<TraceKey, List<Span>> insertNew(Connection connection, List<EncodedSpan> spans)
      throws SQLException {
    Map<List<String>, Span> byId = new HashMap<>();
    spans.forEach(span -> byId.put(id(span.span()), span.span()));
    Map<TraceKey, List<Span>> inserted = new LinkedHashMap<>();
    for (int from = 0; from < spans.size(); from += ROWS_PER_STATEMENT) {
      List<EncodedSpan> chunk =
          spans.subList(from, Math.min(spans.size(), from + ROWS_PER_STATEMENT));
      try (PreparedStatement statement = connection.prepareStatement(insertSql(chunk.size()))) {
        int index = 1;
        for (EncodedSpan span : chunk) {
          bind(statement, index, span);
          index += COLUMN_COUNT;
        }
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            List<String> id = List.of(rows.getString(1), rows.getString(2), rows.getString(3));
            inserted
                .computeIfAbsent(new TraceKey(id.get(0), id.get(1)), k -> new ArrayList<>())
                .add(byId.get(id));
          }
        }
      }
    }
    return inserted;
  }

  /** The ids of a trace's stored spans (as stored, see {@link PgValues#text}): an index-only scan. */
  static Set<String> storedSpanIds(Connection connection, TraceKey trace) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(SPAN_IDS_SQL)) {
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

  /**
   * The root span of each trace among its stored spans, when none of them is parentless: the
   * earliest orphan (parent not stored), else the earliest span, as {@link
   * dev.tracefold.schemas.rollup.TraceRollups#findRoot} picks it. Reads the typed columns of the
   * trace's spans and decodes one payload per trace.
   *
   * @return the root by trace; traces without stored spans are absent
   */
  static Map<TraceKey, Span> findOrphanRoots(Connection connection, Collection<TraceKey> traces)
      throws SQLException {
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

  /** The key of a span as stored: project, trace and span id with NUL replaced. */
  private static List<String> id(Span span) {
    return List.of(
        PgValues.text(span.getProjectId()),
        PgValues.text(span.getTraceId()),
        PgValues.text(span.getSpanId()));
  }

  /** Every stored span of one trace, in start order; empty when none is stored. */
  static List<Span> load(Connection connection, TraceKey trace) throws SQLException {
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

  private static String insertSql(int rows) {
    StringBuilder sql =
        new StringBuilder("INSERT INTO spans (").append(COLUMNS).append(") VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ",").append(ROW_PLACEHOLDERS);
    }
    return sql.append(" ON CONFLICT (project_id, trace_id, span_id) DO NOTHING")
        .append(" RETURNING project_id, trace_id, span_id")
        .toString();
  }

  private static void bind(PreparedStatement s, int first, EncodedSpan encoded)
      throws SQLException {
    Span span = encoded.span();
    int i = first;
    PgValues.setText(s, i++, span.getProjectId());
    PgValues.setText(s, i++, span.getTraceId());
    PgValues.setText(s, i++, span.getSpanId());
    PgValues.setText(s, i++, span.getParentSpanId());
    PgValues.setText(s, i++, span.getName());
    s.setString(i++, span.getKind().name());
    PgValues.setText(s, i++, span.getOtelSpanKind());
    s.setString(i++, span.getStatus().name());
    PgValues.setText(s, i++, span.getStatusMessage());
    s.setLong(i++, span.getStartEpochNanos());
    s.setLong(i++, span.getEndEpochNanos());
    s.setLong(i++, span.getEndEpochNanos() - span.getStartEpochNanos());
    PgValues.setText(s, i++, span.getServiceName());
    PgValues.setText(s, i++, span.getScopeName());
    PgValues.setText(s, i++, span.getModel());
    PgValues.setText(s, i++, span.getProvider());
    PgValues.setLong(s, i++, span.getInputTokens());
    PgValues.setLong(s, i++, span.getOutputTokens());
    PgValues.setLong(s, i++, span.getCacheReadTokens());
    PgValues.setLong(s, i++, span.getCacheWriteTokens());
    PgValues.setLong(s, i++, span.getReasoningTokens());
    PgValues.setLong(s, i++, span.getCostMicrocents());
    s.setBoolean(i++, span.getCostIsEstimated());
    PgValues.setLong(s, i++, span.getTimeToFirstTokenNanos());
    PgValues.setText(s, i++, span.getSessionId());
    PgValues.setText(s, i++, span.getUserId());
    PgValues.setTextArray(s, i++, span.getTags());
    s.setString(i++, PgValues.json(span.getAttributes()));
    s.setString(i++, PgValues.json(span.getResourceAttributes()));
    PgValues.setText(s, i++, span.getSource());
    s.setLong(i++, span.getIngestedEpochMillis());
    s.setBytes(i, encoded.payload());
  }
}

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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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

  private static final String LOAD_SQL =
      "SELECT s.project_id, s.trace_id, s.payload FROM spans s"
          + " JOIN unnest(?::text[], ?::text[]) AS k(project_id, trace_id)"
          + " ON s.project_id = k.project_id AND s.trace_id = k.trace_id";
  private static final String LOAD_ONE_SQL =
      "SELECT payload FROM spans WHERE project_id = ? AND trace_id = ?";

  private SpanRows() {}

  /** The trace key of a span, with the ids as stored (see {@link PgValues#text}). */
  static TraceKey traceKey(Span span) {
    return new TraceKey(PgValues.text(span.getProjectId()), PgValues.text(span.getTraceId()));
  }

  /** The spans with later duplicates (same project, trace and span id) removed, in input order. */
  static List<Span> distinct(Collection<Span> spans) {
    Map<List<String>, Span> byId = new LinkedHashMap<>();
    for (Span span : spans) {
      byId.putIfAbsent(
          List.of(
              PgValues.text(span.getProjectId()),
              PgValues.text(span.getTraceId()),
              PgValues.text(span.getSpanId())),
          span);
    }
    return new ArrayList<>(byId.values());
  }

  /**
   * Inserts the spans that are not stored yet ({@code ON CONFLICT DO NOTHING}).
   *
   * @param spans distinct spans (see {@link #distinct})
   * @return the traces that got at least one new span row
   */
  static Set<TraceKey> insertNew(Connection connection, List<Span> spans) throws SQLException {
    Set<TraceKey> changed = new LinkedHashSet<>();
    for (int from = 0; from < spans.size(); from += ROWS_PER_STATEMENT) {
      List<Span> chunk = spans.subList(from, Math.min(spans.size(), from + ROWS_PER_STATEMENT));
      try (PreparedStatement statement = connection.prepareStatement(insertSql(chunk.size()))) {
        int index = 1;
        for (Span span : chunk) {
          bind(statement, index, span);
          index += COLUMN_COUNT;
        }
        try (ResultSet inserted = statement.executeQuery()) {
          while (inserted.next()) {
            changed.add(new TraceKey(inserted.getString(1), inserted.getString(2)));
          }
        }
      }
    }
    return changed;
  }

  /** Every stored span of each trace, in start order. Traces without spans are absent. */
  static Map<TraceKey, List<Span>> load(Connection connection, Collection<TraceKey> traces)
      throws SQLException {
    String[] projects = new String[traces.size()];
    String[] traceIds = new String[traces.size()];
    int i = 0;
    for (TraceKey trace : traces) {
      projects[i] = trace.projectId();
      traceIds[i] = trace.traceId();
      i++;
    }
    Map<TraceKey, List<Span>> spans = new LinkedHashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(LOAD_SQL)) {
      statement.setArray(1, connection.createArrayOf("text", projects));
      statement.setArray(2, connection.createArrayOf("text", traceIds));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          TraceKey key = new TraceKey(rows.getString(1), rows.getString(2));
          spans.computeIfAbsent(key, k -> new ArrayList<>()).add(SERDE.decode(rows.getBytes(3)));
        }
      }
    }
    spans.values().forEach(list -> list.sort(START_ORDER));
    return spans;
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
        .append(" RETURNING project_id, trace_id")
        .toString();
  }

  private static void bind(PreparedStatement s, int first, Span span) throws SQLException {
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
    s.setBytes(i, SERDE.encode(span));
  }
}

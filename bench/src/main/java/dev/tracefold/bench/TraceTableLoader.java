package dev.tracefold.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.trace.CompletionDecision;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceState;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the store's {@code traces} table with {@link StoredTraceFactory} traces, as fast as
 * PostgreSQL takes them while keeping the rows what the store writes:
 *
 * <ol>
 *   <li>the first traces (the "detail" sample, which the single-trace query reads) through {@link
 *       TraceStore#writeCompleted}, spans included;
 *   <li>the others with {@code COPY traces FROM STDIN (FORMAT csv)}: one row per trace, the
 *       rollup's columns as {@code TraceRows} binds them, state {@code complete}, revision 1,
 *       reason {@code QUIET}, {@code created_epoch_millis} = end + the default 5-minute quiet
 *       window; no spans. A trace whose quiet window has not passed when the load starts (it ended
 *       in the last 5 minutes) is written in progress instead, revision 0, no reason, as a live
 *       pipeline holds it. The table's secondary indexes are dropped before and re-created from
 *       their own definitions ({@code pg_indexes}) after, then the table is analysed;
 *   <li>a check that traces read back through {@link TraceStore#findTrace} carry exactly the
 *       generated rollups.
 * </ol>
 *
 * Stateless.
 */
final class TraceTableLoader {
  /**
   * The COPY columns: TraceRows' rollup columns in TraceRollup field order, then the state columns.
   */
  static final List<String> COLUMNS =
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
          "source",
          "state",
          "revision",
          "completion_reason",
          "created_epoch_millis");

  /** What a live pipeline adds between a trace's end and its storage: the default quiet window. */
  static final long QUIET_WINDOW_MILLIS = TimeUnit.MINUTES.toMillis(5);

  private static final Logger log = LoggerFactory.getLogger(TraceTableLoader.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHECKED_TRACES = 20;
  private static final int SAMPLED_SESSIONS = 200;
  private static final int COST_SAMPLE = 20_000;

  /**
   * What was loaded, and values of it for the queries.
   *
   * @param traces traces in the table
   * @param detailTraceIds ids of the traces stored with their spans
   * @param sessionIds some session ids of the loaded traces
   * @param costBand 45th and 55th percentile of the traces' costs (microcents): a band holding ~10%
   * @param writeCompletedMillis time of the writeCompleted part, ms
   * @param copyMillis time of the COPY (generation included), ms
   * @param indexMillis time to re-create the secondary indexes and analyse, ms
   * @param indexes secondary indexes re-created
   * @param tableBytes size of the table with its indexes and TOAST, bytes
   */
  record Loaded(
      int traces,
      List<String> detailTraceIds,
      List<String> sessionIds,
      long[] costBand,
      long writeCompletedMillis,
      long copyMillis,
      long indexMillis,
      int indexes,
      long tableBytes) {}

  private TraceTableLoader() {}

  /**
   * Loads {@code traces} traces of {@code projectId}.
   *
   * @param postgres the server and its store (schema migrated, traces table empty)
   * @param detailTraces how many of them go through writeCompleted with their spans (at most
   *     traces)
   * @throws IllegalStateException if a trace read back differs from the generated one
   * @throws dev.tracefold.store.TraceStoreException if writeCompleted fails
   */
  static Loaded load(BenchPostgres postgres, String projectId, int traces, int detailTraces) {
    long nowEpochMillis = System.currentTimeMillis();
    StoredTraceFactory factory = new StoredTraceFactory(traces, projectId, nowEpochMillis, traces);
    List<String> detailIds = new ArrayList<>();
    List<String> sessions = new ArrayList<>();
    List<Long> costs = new ArrayList<>();
    Map<String, TraceRollup> checks = new LinkedHashMap<>();
    int detail = Math.min(detailTraces, traces);
    long started = System.nanoTime();
    for (int i = 0; i < detail; i++) {
      StoredTraceFactory.Generated trace = factory.next();
      postgres.store().writeCompleted(completed(trace), stored -> CompletionDecision.NONE);
      detailIds.add(trace.rollup().getTraceId());
      sample(trace.rollup(), sessions, costs);
    }
    long writeCompletedMillis = millisSince(started);
    log.info(
        "{} traces stored with their spans through writeCompleted in {} ms",
        detail,
        writeCompletedMillis);
    long copyMillis;
    long indexMillis;
    int indexes;
    long tableBytes;
    try (Connection connection =
        DriverManager.getConnection(
            postgres.settings().jdbcUrl(),
            postgres.settings().username(),
            postgres.settings().password())) {
      Map<String, String> dropped = dropSecondaryIndexes(connection);
      started = System.nanoTime();
      int rest = traces - detail;
      int checkEvery = Math.max(1, rest / CHECKED_TRACES);
      String copy = "COPY traces (" + String.join(", ", COLUMNS) + ") FROM STDIN (FORMAT csv)";
      try (Writer out =
          new BufferedWriter(
              new OutputStreamWriter(
                  new PGCopyOutputStream(connection.unwrap(PGConnection.class), copy, 1 << 20),
                  StandardCharsets.UTF_8),
              1 << 20)) {
        for (int i = 0; i < rest; i++) {
          StoredTraceFactory.Generated trace = factory.next();
          writeRow(out, trace, inProgress(trace.rollup(), nowEpochMillis));
          sample(trace.rollup(), sessions, costs);
          if (i % checkEvery == 0 && checks.size() < CHECKED_TRACES) {
            checks.put(trace.rollup().getTraceId(), trace.rollup());
          }
          if ((i + 1) % 100_000 == 0) {
            log.info("COPY: {} of {} traces", i + 1, rest);
          }
        }
      }
      copyMillis = millisSince(started);
      log.info("COPY of {} traces took {} ms", rest, copyMillis);
      started = System.nanoTime();
      createIndexes(connection, dropped);
      indexMillis = millisSince(started);
      indexes = dropped.size();
      log.info(
          "{} secondary indexes re-created and the table analysed in {} ms", indexes, indexMillis);
      tableBytes = singleLong(connection, "SELECT pg_total_relation_size('traces')");
    } catch (SQLException e) {
      throw new IllegalStateException("Loading the traces table failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("Loading the traces table failed", e);
    }
    check(postgres.store(), projectId, checks, nowEpochMillis);
    return new Loaded(
        traces,
        detailIds,
        sessions,
        band(costs),
        writeCompletedMillis,
        copyMillis,
        indexMillis,
        indexes,
        tableBytes);
  }

  private static CompletedTrace completed(StoredTraceFactory.Generated trace) {
    long stored = trace.endEpochMillis() + QUIET_WINDOW_MILLIS;
    return CompletedTrace.newBuilder()
        .setProjectId(trace.rollup().getProjectId())
        .setTraceId(trace.rollup().getTraceId())
        .setRevision(1)
        .setCompletionReason(CompletionReason.QUIET)
        .setPartial(false)
        .setFirstArrivalEpochMillis(
            TimeUnit.NANOSECONDS.toMillis(trace.rollup().getStartEpochNanos()))
        .setLastArrivalEpochMillis(trace.endEpochMillis())
        .setCompletedEpochMillis(stored)
        .setRollup(trace.rollup())
        .setSpans(trace.spans())
        .build();
  }

  private static void sample(TraceRollup rollup, List<String> sessions, List<Long> costs) {
    if (rollup.getSessionId() != null && sessions.size() < SAMPLED_SESSIONS) {
      sessions.add(rollup.getSessionId());
    }
    if (rollup.getCostMicrocents() != null && costs.size() < COST_SAMPLE) {
      costs.add(rollup.getCostMicrocents());
    }
  }

  private static long[] band(List<Long> costs) {
    long[] sorted = costs.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return new long[] {0, 0};
    }
    return new long[] {sorted[(int) (sorted.length * 0.45)], sorted[(int) (sorted.length * 0.55)]};
  }

  /** Whether the trace's quiet window has not passed at {@code nowEpochMillis}. */
  private static boolean inProgress(TraceRollup rollup, long nowEpochMillis) {
    return TimeUnit.NANOSECONDS.toMillis(rollup.getEndEpochNanos()) + QUIET_WINDOW_MILLIS
        > nowEpochMillis;
  }

  /** One CSV row of {@link #COLUMNS}; an unquoted empty field is NULL. */
  private static void writeRow(Writer out, StoredTraceFactory.Generated trace, boolean inProgress)
      throws IOException {
    TraceRollup r = trace.rollup();
    Object[] values = {
      r.getProjectId(),
      r.getTraceId(),
      r.getRootSpanId(),
      r.getRootSpanName(),
      r.getStatus().name(),
      r.getStartEpochNanos(),
      r.getEndEpochNanos(),
      r.getDurationNanos(),
      r.getSpanCount(),
      r.getErrorCount(),
      r.getInputTokens(),
      r.getOutputTokens(),
      r.getCacheReadTokens(),
      r.getCacheWriteTokens(),
      r.getReasoningTokens(),
      r.getTotalTokens(),
      r.getCostMicrocents(),
      r.getCostIsEstimated(),
      r.getTimeToFirstTokenNanos(),
      textArray(r.getModels()),
      textArray(r.getProviders()),
      textArray(r.getServiceNames()),
      r.getSessionId(),
      r.getUserId(),
      textArray(r.getTags()),
      json(r.getMetadata()),
      r.getInput(),
      r.getOutput(),
      r.getSource(),
      inProgress ? TraceState.IN_PROGRESS.wireName() : TraceState.COMPLETE.wireName(),
      inProgress ? 0 : 1,
      inProgress ? null : CompletionReason.QUIET.name(),
      trace.endEpochMillis() + QUIET_WINDOW_MILLIS
    };
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.write(',');
      }
      Object value = values[i];
      if (value instanceof CharSequence text) {
        out.write('"');
        out.write(text.toString().replace('\0', '\uFFFD').replace("\"", "\"\""));
        out.write('"');
      } else if (value instanceof Boolean bool) {
        out.write(bool ? "t" : "f");
      } else if (value != null) {
        out.write(value.toString());
      }
    }
    out.write('\n');
  }

  /** A PostgreSQL text[] literal: {"a","b"} with backslash escapes. */
  private static String textArray(List<? extends CharSequence> values) {
    StringBuilder literal = new StringBuilder("{");
    for (CharSequence value : values) {
      if (literal.length() > 1) {
        literal.append(',');
      }
      literal
          .append('"')
          .append(value.toString().replace("\\", "\\\\").replace("\"", "\\\""))
          .append('"');
    }
    return literal.append('}').toString();
  }

  private static String json(Map<? extends CharSequence, ?> map) {
    Map<String, Object> plain = new LinkedHashMap<>();
    map.forEach((key, value) -> plain.put(key.toString(), value == null ? null : value.toString()));
    try {
      return JSON.writeValueAsString(plain);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Drops the table's indexes but its primary key; returns their definitions by name, in order. */
  private static Map<String, String> dropSecondaryIndexes(Connection connection)
      throws SQLException {
    Map<String, String> definitions = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i"
                    + " WHERE i.schemaname = current_schema() AND i.tablename = 'traces' AND i.indexname <> 'traces_pkey'"
                    + " ORDER BY i.indexname")) {
      while (rows.next()) {
        definitions.put(rows.getString(1), rows.getString(2));
      }
    }
    try (Statement statement = connection.createStatement()) {
      for (String name : definitions.keySet()) {
        statement.execute("DROP INDEX " + name);
      }
    }
    return definitions;
  }

  private static void createIndexes(Connection connection, Map<String, String> definitions)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET maintenance_work_mem = '256MB'");
      for (Map.Entry<String, String> index : definitions.entrySet()) {
        long started = System.nanoTime();
        statement.execute(index.getValue());
        log.info("Index {} re-created in {} ms", index.getKey(), millisSince(started));
      }
      statement.execute("ANALYZE traces, traces_in_progress");
    }
  }

  /** Reads the traces back through the store and compares them with what was generated. */
  private static void check(
      TraceStore store, String projectId, Map<String, TraceRollup> expected, long nowEpochMillis) {
    for (Map.Entry<String, TraceRollup> trace : expected.entrySet()) {
      boolean inProgress = inProgress(trace.getValue(), nowEpochMillis);
      StoredTrace stored =
          store
              .findTrace(projectId, trace.getKey())
              .orElseThrow(
                  () -> new IllegalStateException("Trace " + trace.getKey() + " was not loaded"));
      if (!Objects.equals(stored.rollup(), trace.getValue())
          || stored.state() != (inProgress ? TraceState.IN_PROGRESS : TraceState.COMPLETE)
          || stored.revision() != (inProgress ? 0 : 1)
          || stored.completionReason() != (inProgress ? null : CompletionReason.QUIET)) {
        throw new IllegalStateException(
            "Trace "
                + trace.getKey()
                + " reads back as "
                + stored.rollup()
                + " "
                + stored.state()
                + " revision "
                + stored.revision()
                + ", not as generated: "
                + trace.getValue());
      }
    }
    log.info(
        "{} COPY-loaded traces read back through TraceStore#findTrace exactly as generated",
        expected.size());
  }

  private static long singleLong(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}

package dev.tracefold.store.session;

import dev.tracefold.store.Page;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.TraceStoreException;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.sql.PgValues;
import dev.tracefold.store.sql.SqlFragment;
import dev.tracefold.store.sql.TraceFilterSql;
import dev.tracefold.store.sql.Transactions;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceRows;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Sessions: the traces of a project grouped by session id, with their totals, computed from the
 * {@code traces} table when asked (there is no session table to keep in step). Obtained from {@link
 * TraceStore#sessions()}; shares its connection pool. Thread-safe.
 *
 * <p>A listing reads matching traces newest first until it has its page of sessions, then totals
 * those; one session reads through the {@code (project_id, session_id, start)} index.
 */
public final class SessionStore {
  private static final String TOTALS =
      "t.session_id, count(*) AS trace_count,"
          + " min(t.start_epoch_nanos) AS first_start, max(t.start_epoch_nanos) AS last_start,"
          + " max(t.end_epoch_nanos) AS last_end, sum(t.duration_nanos) AS total_duration,"
          + " sum(t.input_tokens) AS input_tokens, sum(t.output_tokens) AS output_tokens,"
          + " sum(t.total_tokens) AS total_tokens, sum(t.cost_microcents) AS cost,"
          + " sum(t.error_count) AS error_count,"
          + " count(*) FILTER (WHERE t.status = 'ERROR') AS error_traces,"
          + " array_agg(DISTINCT t.user_id ORDER BY t.user_id)"
          + " FILTER (WHERE t.user_id IS NOT NULL) AS user_ids";

  /** Rows per query while reading traces newest first. */
  private static final int SCAN_CHUNK = 500;

  private final Transactions transactions;

  public SessionStore(Transactions transactions) {
    this.transactions = transactions;
  }

  /**
   * Lists the sessions of the traces that match a filter, most recently active (latest trace start)
   * first, then by session id descending. Traces without a session are left out.
   *
   * <p>Two steps in one snapshot: the matching traces are read newest first through the start-time
   * index until the page's sessions (and every session tied with the last of them) have appeared,
   * the first appearance of a session being its latest start; then only those sessions are
   * totalled, through the session index. The cost grows with the traces read to find the page, not
   * with the project's size (at 1M traces over the whole project, a grouped query of every trace
   * took 11-14 s).
   *
   * @param filter which traces count (the totals cover only these)
   * @param page 1-based page number
   * @param pageSize sessions per page, 1 to {@link TraceQuery#MAX_PAGE_SIZE}
   * @throws IllegalArgumentException if page or pageSize is out of range
   * @throws TraceStoreException if the database fails
   */
  public Page<SessionSummary> listSessions(
      String projectId, TraceFilter filter, int page, int pageSize) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(filter, "filter");
    TraceQuery.checkPage(page, pageSize);
    SqlFragment where =
        TraceFilterSql.where(PgValues.text(projectId), filter).and("t.session_id IS NOT NULL");
    // in chunks with LIMIT and a keyset, so that the planner walks the start-time index backwards
    String newestFirst =
        "SELECT t.session_id, t.start_epoch_nanos, t.trace_id FROM traces t WHERE "
            + where.sql()
            + " AND (?::boolean OR (t.start_epoch_nanos, t.trace_id) < (?, ?))"
            + " ORDER BY t.start_epoch_nanos DESC, t.trace_id DESC LIMIT "
            + SCAN_CHUNK;
    String totals =
        "SELECT "
            + TOTALS
            + " FROM traces t WHERE "
            + where.sql()
            + " AND t.session_id = ANY (?::text[]) GROUP BY t.session_id";
    long offset = (long) (page - 1) * pageSize;
    long wanted = offset + pageSize + 1; // one more tells whether a next page exists
    return transactions.read(
        "list the sessions of project " + projectId,
        connection -> {
          // session id -> its latest start, in order of first appearance
          Map<String, Long> latest = new LinkedHashMap<>();
          try (PreparedStatement statement = connection.prepareStatement(newestFirst)) {
            long boundary = Long.MIN_VALUE;
            Long afterStart = null;
            String afterTraceId = null;
            boolean more = true;
            scan:
            while (more) {
              int next = where.bind(statement, 1);
              statement.setBoolean(next++, afterStart == null);
              statement.setLong(next++, afterStart == null ? 0 : afterStart);
              statement.setString(next, afterTraceId == null ? "" : afterTraceId);
              int read = 0;
              try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                  read++;
                  long start = rows.getLong(2);
                  if (latest.size() >= wanted && start < boundary) {
                    break scan; // every session tied with the last one wanted is in
                  }
                  if (latest.putIfAbsent(rows.getString(1), start) == null
                      && latest.size() == wanted) {
                    boundary = start;
                  }
                  afterStart = start;
                  afterTraceId = rows.getString(3);
                }
              }
              more = read == SCAN_CHUNK;
            }
          }
          List<String> ordered =
              latest.entrySet().stream()
                  .sorted(
                      Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                          .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                  .map(Map.Entry::getKey)
                  .skip(offset)
                  .limit(pageSize + 1L)
                  .toList();
          Map<String, SessionSummary> byId = new HashMap<>();
          try (PreparedStatement statement = connection.prepareStatement(totals)) {
            int next = where.bind(statement, 1);
            PgValues.setTextArray(statement, next, ordered);
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                SessionSummary summary = read(rows);
                byId.put(summary.sessionId(), summary);
              }
            }
          }
          return Page.of(ordered.stream().map(byId::get).toList(), pageSize);
        });
  }

  /**
   * One session: its totals over all its traces, and one page of its traces in start order (oldest
   * first, then by trace id).
   *
   * @param page 1-based page number of the traces
   * @param pageSize traces per page, 1 to {@link TraceQuery#MAX_PAGE_SIZE}
   * @return the totals and the page, or empty when the project has no trace in this session
   * @throws IllegalArgumentException if page or pageSize is out of range
   * @throws TraceStoreException if the database fails
   */
  public Optional<SessionTraces> findSession(
      String projectId, String sessionId, int page, int pageSize) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(sessionId, "sessionId");
    TraceQuery.checkPage(page, pageSize);
    String project = PgValues.text(projectId);
    String session = PgValues.text(sessionId);
    return transactions.read(
        "find session " + sessionId + " of project " + projectId,
        connection -> {
          Optional<SessionSummary> totals = totals(connection, project, session);
          if (totals.isEmpty()) {
            return Optional.empty();
          }
          return Optional.of(
              new SessionTraces(
                  totals.get(), traces(connection, project, session, page, pageSize)));
        });
  }

  private static Optional<SessionSummary> totals(
      Connection connection, String project, String session) throws SQLException {
    String sql =
        "SELECT "
            + TOTALS
            + " FROM traces t WHERE t.project_id = ? AND t.session_id = ? GROUP BY t.session_id";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, project);
      statement.setString(2, session);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  private static List<StoredTrace> traces(
      Connection connection, String project, String session, int page, int pageSize)
      throws SQLException {
    String sql =
        "SELECT "
            + TraceRows.SELECT_COLUMNS
            + " FROM traces t WHERE t.project_id = ? AND t.session_id = ?"
            + " ORDER BY t.start_epoch_nanos, t.trace_id LIMIT ? OFFSET ?";
    List<StoredTrace> traces = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, project);
      statement.setString(2, session);
      statement.setInt(3, pageSize);
      statement.setLong(4, (long) (page - 1) * pageSize);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          traces.add(TraceRows.read(rows));
        }
      }
    }
    return traces;
  }

  private static SessionSummary read(ResultSet rows) throws SQLException {
    Array users = rows.getArray("user_ids");
    List<String> userIds = users == null ? List.of() : Arrays.asList((String[]) users.getArray());
    return new SessionSummary(
        rows.getString("session_id"),
        rows.getLong("trace_count"),
        rows.getLong("first_start"),
        rows.getLong("last_start"),
        rows.getLong("last_end"),
        rows.getLong("total_duration"),
        rows.getLong("input_tokens"),
        rows.getLong("output_tokens"),
        rows.getLong("total_tokens"),
        PgValues.getLong(rows, "cost"),
        rows.getLong("error_count"),
        rows.getLong("error_traces"),
        userIds);
  }
}

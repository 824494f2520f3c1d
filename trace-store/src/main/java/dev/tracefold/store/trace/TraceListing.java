package dev.tracefold.store.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.sql.SqlFragment;
import dev.tracefold.store.sql.TraceFilterSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of {@link TraceStore#listTraces}: one query for the page (one row more than the page, to
 * know whether another follows) and, unless the page itself shows how many traces match, one capped
 * count over the same filter. How the count runs depends on PostgreSQL's estimate of the matches
 * ({@code EXPLAIN}, planned with the filter's values): above {@link
 * #ORDERED_COUNT_ABOVE_ESTIMATED_MATCHES} in the page's order, so that it takes the page's plan (an
 * index walk newest first that stops at the cap, short for common values and for values common
 * among recent traces); at or below it without an order, so that the planner may count from a
 * bitmap of the filter's indexes (a GIN index for a model, tag or search term) instead of walking
 * the time index past every trace the filter skips. ReadApiBench at 1,000,000 traces: a model in 3%
 * of traces took 140-240 ms to count in the page's order, 14 ms from the GIN bitmap. Stateless and
 * thread-safe.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class TraceListing {
  /**
   * The estimated matches above which the capped count walks the page's order: below it a bitmap of
   * the matches is small (50,000 row ids, a few milliseconds to build), above it the walk stops
   * after at most ~20 index entries per match counted at 1,000,000 traces (5% of them matching).
   */
  public static final long ORDERED_COUNT_ABOVE_ESTIMATED_MATCHES = 50_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private TraceListing() {}

  /** {@link #list(Connection, String, TraceQuery, int, long)} with the default count strategy. */
  public static TracePage list(
      Connection connection, String projectId, TraceQuery query, int countLimit)
      throws SQLException {
    return list(connection, projectId, query, countLimit, ORDERED_COUNT_ABOVE_ESTIMATED_MATCHES);
  }

  /**
   * The page, and the matches counted up to {@code countLimit + 1}.
   *
   * @param orderedCountAboveEstimatedMatches the estimate above which the count walks the page's
   *     order (0: always; {@link Long#MAX_VALUE}: never)
   */
  public static TracePage list(
      Connection connection,
      String projectId,
      TraceQuery query,
      int countLimit,
      long orderedCountAboveEstimatedMatches)
      throws SQLException {
    SqlFragment from = TraceFilterSql.from(projectId, query);
    SqlFragment pageWhere = TraceFilterSql.where(projectId, query.filter());
    if (query.after() != null) {
      TraceFilterSql.after(pageWhere, query.sort(), query.after());
    }
    String sql =
        "SELECT "
            + TraceRows.SELECT_COLUMNS
            + " FROM "
            + from.sql()
            + " WHERE "
            + pageWhere.sql()
            + TraceFilterSql.orderBy(query.sort())
            + " LIMIT ? OFFSET ?";
    List<StoredTrace> traces = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int next = pageWhere.bind(statement, from.bind(statement, 1));
      statement.setInt(next++, query.pageSize() + 1);
      statement.setLong(next, (long) (query.page() - 1) * query.pageSize());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          traces.add(TraceRows.read(rows));
        }
      }
    }
    boolean more = traces.size() > query.pageSize();
    if (more) {
      traces.remove(traces.size() - 1);
    }
    long total;
    if (!more && query.after() == null && (!traces.isEmpty() || query.page() == 1)) {
      // the last page, found by offset: every match is before it or on it
      total = (long) (query.page() - 1) * query.pageSize() + traces.size();
    } else {
      total = count(connection, projectId, query, countLimit, orderedCountAboveEstimatedMatches);
    }
    return new TracePage(
        traces,
        Math.min(total, countLimit),
        total > countLimit,
        more ? query.positionOf(traces.get(traces.size() - 1)) : null);
  }

  /** Matching traces, counted up to {@code limit + 1}. */
  private static long count(
      Connection connection,
      String projectId,
      TraceQuery query,
      int limit,
      long orderedAboveEstimatedMatches)
      throws SQLException {
    SqlFragment from = TraceFilterSql.from(projectId, query);
    SqlFragment where = TraceFilterSql.where(projectId, query.filter());
    String matches = "SELECT 1 FROM " + from.sql() + " WHERE " + where.sql();
    boolean ordered =
        orderedAboveEstimatedMatches == 0
            || estimatedRows(connection, matches, from, where) > orderedAboveEstimatedMatches;
    String sql =
        "SELECT count(*) FROM ("
            + matches
            + (ordered ? TraceFilterSql.orderBy(query.sort()) : "")
            + " LIMIT ?) c";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(where.bind(statement, from.bind(statement, 1)), limit + 1);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** PostgreSQL's estimate of the rows {@code sql} returns ({@code EXPLAIN}'s "Plan Rows"). */
  private static long estimatedRows(
      Connection connection, String sql, SqlFragment from, SqlFragment where) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("EXPLAIN (FORMAT JSON) " + sql)) {
      where.bind(statement, from.bind(statement, 1));
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        JsonNode plan = JSON.readTree(rows.getString(1)).path(0).path("Plan");
        return plan.path("Plan Rows").asLong(Long.MAX_VALUE);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("EXPLAIN answered no JSON plan", e);
    }
  }
}

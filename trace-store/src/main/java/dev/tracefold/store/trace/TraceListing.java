package dev.tracefold.store.trace;

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
 * count over the same filter, in the page's order so that it takes the page's plan (an index walk
 * that stops at the cap). Stateless and thread-safe.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class TraceListing {
  private TraceListing() {}

  public static TracePage list(
      Connection connection, String projectId, TraceQuery query, int countLimit)
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
      total = count(connection, projectId, query, countLimit);
    }
    return new TracePage(
        traces,
        Math.min(total, countLimit),
        total > countLimit,
        more ? query.positionOf(traces.get(traces.size() - 1)) : null);
  }

  /** Matching traces, counted up to {@code limit + 1}. */
  private static long count(Connection connection, String projectId, TraceQuery query, int limit)
      throws SQLException {
    SqlFragment from = TraceFilterSql.from(projectId, query);
    SqlFragment where = TraceFilterSql.where(projectId, query.filter());
    String sql =
        "SELECT count(*) FROM (SELECT 1 FROM "
            + from.sql()
            + " WHERE "
            + where.sql()
            + TraceFilterSql.orderBy(query.sort())
            + " LIMIT ?) c";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(where.bind(statement, from.bind(statement, 1)), limit + 1);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}

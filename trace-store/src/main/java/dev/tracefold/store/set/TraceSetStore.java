package dev.tracefold.store.set;

import dev.tracefold.store.Page;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.TraceStoreException;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.query.TraceSort;
import dev.tracefold.store.sql.PgValues;
import dev.tracefold.store.sql.ResourceTable;
import dev.tracefold.store.sql.SqlFragment;
import dev.tracefold.store.sql.TraceFilterSql;
import dev.tracefold.store.sql.Transactions;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Trace sets: frozen lists of a project's trace ids (see {@link TraceSet}). Membership is fixed
 * when the set is created, from a filter or a list of ids, and never changes; a member whose trace
 * is deleted later stays listed as missing. Obtained from {@link TraceStore#traceSets()}; shares
 * its connection pool. Thread-safe.
 */
public final class TraceSetStore {
  /** Most traces one set may hold. */
  public static final int MAX_TRACES = 10_000;

  private static final String SET_COLUMNS =
      "set_id, name, description, filter_params::text AS filter_params, trace_count,"
          + " created_epoch_millis";
  private static final String INSERT_SET_SQL =
      "INSERT INTO trace_sets (project_id, set_id, name, description, filter_params, trace_count,"
          + " created_epoch_millis) VALUES (?, ?, ?, ?, ?::jsonb, ?, "
          + PgValues.NOW_EPOCH_MILLIS
          + ") RETURNING "
          + SET_COLUMNS;
  private static final String INSERT_MEMBERS_SQL =
      "INSERT INTO trace_set_members (project_id, set_id, position, trace_id)"
          + " SELECT ?, ?, k.position, k.trace_id"
          + " FROM unnest(?::text[]) WITH ORDINALITY AS k(trace_id, position)";
  private static final String UNKNOWN_IDS_SQL =
      "SELECT k.trace_id FROM unnest(?::text[]) WITH ORDINALITY AS k(trace_id, position)"
          + " WHERE NOT EXISTS (SELECT 1 FROM traces t"
          + " WHERE t.project_id = ? AND t.trace_id = k.trace_id) ORDER BY k.position";
  private static final String MEMBERS_SQL =
      "SELECT m.trace_id AS member_id, x.* FROM trace_set_members m"
          + " LEFT JOIN LATERAL (SELECT "
          + TraceRows.SELECT_COLUMNS
          + " FROM traces WHERE project_id = m.project_id AND trace_id = m.trace_id) x ON true"
          + " WHERE m.project_id = ? AND m.set_id = ? ORDER BY m.position LIMIT ? OFFSET ?";

  private final Transactions transactions;
  private final ResourceTable<TraceSet> table;

  public TraceSetStore(Transactions transactions) {
    this.transactions = transactions;
    this.table =
        new ResourceTable<>(
            transactions,
            "trace set",
            "trace_sets",
            "s",
            "set_id",
            SET_COLUMNS,
            "created_epoch_millis DESC, set_id DESC",
            TraceSetStore::readSet);
  }

  /**
   * Creates a set of the traces matching a filter: the newest {@code limit} of them (by start time,
   * then trace id, both descending), in that order.
   *
   * @param name a name for people; not null
   * @param description optional; null when none
   * @param filter which traces
   * @param filterParams the filter as the JSON object of list parameters it was parsed from, kept
   *     to show how the set was made
   * @param limit most traces to take, 1 to {@link #MAX_TRACES}
   * @return the set (possibly empty, when nothing matches)
   * @throws IllegalArgumentException if {@code limit} is out of range
   * @throws TraceStoreException if the database fails
   */
  public TraceSet createFromFilter(
      String projectId,
      String name,
      String description,
      TraceFilter filter,
      String filterParams,
      int limit) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(filterParams, "filterParams");
    if (limit < 1 || limit > MAX_TRACES) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_TRACES + ", was " + limit);
    }
    String project = ResourceTable.project(projectId);
    SqlFragment where = TraceFilterSql.where(project, filter);
    String sql =
        "SELECT t.trace_id FROM traces t WHERE "
            + where.sql()
            + TraceFilterSql.orderBy(TraceSort.DEFAULT)
            + " LIMIT ?";
    return transactions.write(
        "create a trace set in project " + projectId,
        connection -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(where.bind(statement, 1), limit);
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                ids.add(rows.getString(1));
              }
            }
          }
          return insert(connection, project, name, description, filterParams, ids);
        });
  }

  /**
   * Creates a set of the given traces, in the given order (repeated ids count once).
   *
   * @param traceIds 1 to {@link #MAX_TRACES} ids of traces the project has
   * @throws UnknownTracesException if the project has no trace for some ids
   * @throws IllegalArgumentException if there are no ids or too many
   * @throws TraceStoreException if the database fails
   */
  public TraceSet createFromIds(
      String projectId, String name, String description, List<String> traceIds) {
    List<String> ids = List.copyOf(new LinkedHashSet<>(traceIds));
    if (ids.isEmpty() || ids.size() > MAX_TRACES) {
      throw new IllegalArgumentException(
          "a trace set needs 1 to " + MAX_TRACES + " trace ids, got " + ids.size());
    }
    String project = ResourceTable.project(projectId);
    return transactions.write(
        "create a trace set in project " + projectId,
        connection -> {
          List<String> unknown = new ArrayList<>();
          try (PreparedStatement statement = connection.prepareStatement(UNKNOWN_IDS_SQL)) {
            statement.setArray(1, PgValues.textArray(connection, ids));
            statement.setString(2, project);
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                unknown.add(rows.getString(1));
              }
            }
          }
          if (!unknown.isEmpty()) {
            throw new UnknownTracesException(projectId, unknown);
          }
          return insert(connection, project, name, description, null, ids);
        });
  }

  /**
   * Lists a project's sets, newest first.
   *
   * @param page 1-based page number
   * @param pageSize sets per page, 1 to {@link TraceQuery#MAX_PAGE_SIZE}
   * @throws TraceStoreException if the database fails
   */
  public Page<TraceSet> listSets(String projectId, int page, int pageSize) {
    return table.page(projectId, page, pageSize);
  }

  /**
   * One set with one page of its members.
   *
   * @return the set, or empty when the project has no set with this id
   * @throws TraceStoreException if the database fails
   */
  public Optional<TraceSetMembers> findSet(String projectId, String setId, int page, int pageSize) {
    TraceQuery.checkPage(page, pageSize);
    String project = ResourceTable.project(projectId);
    String id = PgValues.text(Objects.requireNonNull(setId, "setId"));
    return transactions.read(
        "find trace set " + setId + " of project " + projectId,
        connection -> {
          Optional<TraceSet> found = table.find(connection, project, id);
          if (found.isEmpty()) {
            return Optional.<TraceSetMembers>empty();
          }
          TraceSet set = found.get();
          List<String> ids = new ArrayList<>();
          List<StoredTrace> traces = new ArrayList<>();
          List<String> missing = new ArrayList<>();
          try (PreparedStatement statement = connection.prepareStatement(MEMBERS_SQL)) {
            statement.setString(1, project);
            statement.setString(2, id);
            statement.setInt(3, pageSize);
            statement.setLong(4, (long) (page - 1) * pageSize);
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                String member = rows.getString("member_id");
                ids.add(member);
                if (rows.getString("trace_id") == null) {
                  missing.add(member);
                } else {
                  traces.add(TraceRows.read(rows));
                }
              }
            }
          }
          return Optional.of(new TraceSetMembers(set, ids, traces, missing));
        });
  }

  private TraceSet insert(
      Connection connection,
      String project,
      String name,
      String description,
      String filterParams,
      List<String> ids)
      throws SQLException {
    Objects.requireNonNull(name, "name");
    TraceSet set =
        table.insert(
            connection,
            project,
            INSERT_SET_SQL,
            (statement, i) -> {
              PgValues.setText(statement, i, name);
              PgValues.setText(statement, i + 1, description);
              statement.setString(i + 2, filterParams);
              statement.setInt(i + 3, ids.size());
              return i + 4;
            });
    try (PreparedStatement statement = connection.prepareStatement(INSERT_MEMBERS_SQL)) {
      statement.setString(1, project);
      statement.setString(2, set.id());
      statement.setArray(3, PgValues.textArray(connection, ids));
      statement.executeUpdate();
    }
    return set;
  }

  private static TraceSet readSet(ResultSet rows) throws SQLException {
    return new TraceSet(
        rows.getString("set_id"),
        rows.getString("name"),
        rows.getString("description"),
        rows.getString("filter_params"),
        rows.getInt("trace_count"),
        rows.getLong("created_epoch_millis"));
  }
}

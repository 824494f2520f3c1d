package dev.tracefold.store.sql;

import dev.tracefold.store.Page;
import dev.tracefold.store.ResourceLimitException;
import dev.tracefold.store.TraceStoreException;
import dev.tracefold.store.query.TraceQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The create, read, update and delete of one table of a project's resources (evaluation rules,
 * annotation queues, trace sets): rows keyed by {@code project_id} and a text id that {@link
 * #create} draws (a random UUID), each read into a {@code T} by the store's {@link RowReader}. The
 * find, page and delete statements are built from the table's shape; a store passes its own insert
 * and update statements. Every method reports a row the project does not have as empty (or false).
 * Error messages name the resource ("Cannot find evaluation rule 7 of project p"). Immutable and
 * thread-safe.
 *
 * @param <T> what one row reads as
 *     <p>Internal to trace-store: public only so that its packages share it; other modules do not
 *     use it.
 */
public final class ResourceTable<T> {
  /** Reads the current row of a result set. */
  @FunctionalInterface
  public interface RowReader<T> {
    T read(ResultSet rows) throws SQLException;
  }

  /** Binds parameters from {@code index} on; returns the next free index. */
  @FunctionalInterface
  public interface Binder {
    int bind(PreparedStatement statement, int index) throws SQLException;
  }

  /**
   * Rows one project may hold in one table. Without a cap a project could create rules and queues
   * without end, and the rollup sink judges every enabled one on every completion (issue #12).
   */
  public static final int MAX_PER_PROJECT = 1_000;

  private final Transactions transactions;
  private final String noun;
  private final String table;
  private final String countSql;
  private final RowReader<T> reader;
  private final String findSql;
  private final String pageSql;
  private final String deleteSql;

  /**
   * @param noun what one row is called in error messages, e.g. {@code evaluation rule}
   * @param table the table, e.g. {@code evaluation_rules}
   * @param alias the table's alias in {@code columns} and {@code pageOrder}, e.g. {@code r}
   * @param idColumn the id column next to {@code project_id}, e.g. {@code rule_id}
   * @param columns the select list that {@code reader} reads
   * @param pageOrder the {@code ORDER BY} of {@link #page}; must end with the id column, so that
   *     pages never overlap
   */
  public ResourceTable(
      Transactions transactions,
      String noun,
      String table,
      String alias,
      String idColumn,
      String columns,
      String pageOrder,
      RowReader<T> reader) {
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.noun = Objects.requireNonNull(noun, "noun");
    this.table = Objects.requireNonNull(table, "table");
    this.countSql = "SELECT count(*) FROM " + table + " WHERE project_id = ?";
    this.reader = Objects.requireNonNull(reader, "reader");
    String from = "SELECT " + columns + " FROM " + table + " " + alias;
    String project = " WHERE " + alias + ".project_id = ?";
    this.findSql = from + project + " AND " + alias + "." + idColumn + " = ?";
    this.pageSql = from + project + " ORDER BY " + pageOrder + " LIMIT ? OFFSET ?";
    this.deleteSql = "DELETE FROM " + table + " WHERE project_id = ? AND " + idColumn + " = ?";
  }

  /** What one row is called, e.g. {@code evaluation rule}. */
  public String noun() {
    return noun;
  }

  /** A project id as stored (NUL characters replaced). */
  public static String project(String projectId) {
    return PgValues.text(Objects.requireNonNull(projectId, "projectId"));
  }

  /**
   * Stores a new row with a new id in its own transaction: runs {@code insertSql} ({@code INSERT
   * ... RETURNING} the columns) with the project id, the new id and then {@code definition}'s
   * parameters.
   *
   * @throws ResourceLimitException if the project already holds {@link #MAX_PER_PROJECT} rows
   * @throws TraceStoreException if the database fails
   */
  public T create(String projectId, String insertSql, Binder definition) {
    String project = project(projectId);
    return transactions.write(
        "create " + article() + " " + noun + " in project " + projectId,
        connection -> insert(connection, project, insertSql, definition));
  }

  /**
   * Refuses a new row when the project already holds {@link #MAX_PER_PROJECT}: under a transaction
   * lock of (table, project), so two creates at once cannot both pass the count.
   */
  private void checkRoom(Connection connection, String project) throws SQLException {
    try (PreparedStatement lock =
        connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
      lock.setString(1, table + "/" + project);
      lock.execute();
    }
    try (PreparedStatement count = connection.prepareStatement(countSql)) {
      count.setString(1, project);
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        if (rows.getLong(1) >= MAX_PER_PROJECT) {
          throw new ResourceLimitException(
              "project '"
                  + project
                  + "' already has "
                  + MAX_PER_PROJECT
                  + " "
                  + noun
                  + "s, the most one project may have; delete some first");
        }
      }
    }
  }

  /**
   * As {@link #create}, inside the caller's transaction; {@code project} as stored.
   *
   * @throws ResourceLimitException if the project already holds {@link #MAX_PER_PROJECT} rows
   */
  public T insert(Connection connection, String project, String insertSql, Binder definition)
      throws SQLException {
    checkRoom(connection, project);
    try (PreparedStatement statement = connection.prepareStatement(insertSql)) {
      statement.setString(1, project);
      statement.setString(2, UUID.randomUUID().toString());
      definition.bind(statement, 3);
      return first(statement).orElseThrow();
    }
  }

  /**
   * Runs {@code updateSql} ({@code UPDATE ... WHERE project_id = ? AND <id> = ? RETURNING} the
   * columns) with {@code definition}'s parameters, then the project id and the id.
   *
   * @return the row as updated, or empty if the project has no such row
   * @throws TraceStoreException if the database fails
   */
  public Optional<T> update(String projectId, String id, String updateSql, Binder definition) {
    String project = project(projectId);
    return transactions.write(
        "update " + noun + " " + id + " of project " + projectId,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(updateSql)) {
            int next = definition.bind(statement, 1);
            statement.setString(next++, project);
            PgValues.setText(statement, next, id);
            return first(statement);
          }
        });
  }

  /**
   * One row, or empty if the project has no such row.
   *
   * @throws TraceStoreException if the database fails
   */
  public Optional<T> find(String projectId, String id) {
    String project = project(projectId);
    return transactions.read(
        "find " + noun + " " + id + " of project " + projectId,
        connection -> find(connection, project, id));
  }

  /**
   * As {@link #find(String, String)}, inside the caller's transaction; {@code project} as stored.
   */
  public Optional<T> find(Connection connection, String project, String id) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(findSql)) {
      statement.setString(1, project);
      PgValues.setText(statement, 2, id);
      return first(statement);
    }
  }

  /**
   * One page of the project's rows, in the table's page order.
   *
   * @param page 1-based page number
   * @param pageSize rows per page, 1 to {@link TraceQuery#MAX_PAGE_SIZE}
   * @throws IllegalArgumentException if the page or its size is out of range
   * @throws TraceStoreException if the database fails
   */
  public Page<T> page(String projectId, int page, int pageSize) {
    TraceQuery.checkPage(page, pageSize);
    String project = project(projectId);
    return transactions.read(
        "list the " + noun + "s of project " + projectId,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(pageSql)) {
            statement.setString(1, project);
            statement.setInt(2, pageSize + 1);
            statement.setLong(3, (long) (page - 1) * pageSize);
            return Page.of(readAll(statement, reader), pageSize);
          }
        });
  }

  /**
   * Deletes a row and then runs each of {@code alsoSql} (parameters: project id, id), in one
   * transaction.
   *
   * @return false if the project had no such row
   * @throws TraceStoreException if the database fails
   */
  public boolean delete(String projectId, String id, String... alsoSql) {
    String project = project(projectId);
    return transactions.write(
        "delete " + noun + " " + id + " of project " + projectId,
        connection -> {
          int deleted = update(connection, deleteSql, project, id);
          for (String sql : alsoSql) {
            update(connection, sql, project, id);
          }
          return deleted > 0;
        });
  }

  /**
   * Every row {@code sql} (without parameters) selects, in its own read transaction.
   *
   * @param what what the query reads, for the error message ("Cannot " + what)
   * @throws TraceStoreException if the database fails
   */
  public List<T> query(String what, String sql) {
    return transactions.read(
        what,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            return readAll(statement, reader);
          }
        });
  }

  /** Runs a query and reads every row it returns with {@code reader}. */
  public static <T> List<T> readAll(PreparedStatement statement, RowReader<T> reader)
      throws SQLException {
    List<T> read = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        read.add(reader.read(rows));
      }
    }
    return read;
  }

  private static int update(Connection connection, String sql, String project, String id)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, project);
      PgValues.setText(statement, 2, id);
      return statement.executeUpdate();
    }
  }

  private String article() {
    return "aeiou".indexOf(noun.charAt(0)) >= 0 ? "an" : "a";
  }

  private Optional<T> first(PreparedStatement statement) throws SQLException {
    List<T> rows = readAll(statement, reader);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }
}

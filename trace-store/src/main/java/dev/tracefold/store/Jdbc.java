package dev.tracefold.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs JDBC work in a transaction on a pooled connection: commits on success, rolls back and
 * rethrows on failure, wrapping {@link SQLException} in {@link TraceStoreException}. Stateless and
 * thread-safe.
 */
final class Jdbc {
  private Jdbc() {}

  /** Work on a connection inside a transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in a read-write transaction.
   *
   * @param what describes the work for the exception message ("Cannot " + what)
   */
  static <T> T inTransaction(DataSource dataSource, String what, Work<T> work) {
    return run(dataSource, what, false, work);
  }

  /** Runs {@code work} in a read-only, repeatable-read transaction (one consistent snapshot). */
  static <T> T inReadTransaction(DataSource dataSource, String what, Work<T> work) {
    return run(dataSource, what, true, work);
  }

  private static <T> T run(DataSource dataSource, String what, boolean readOnly, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      if (readOnly) {
        connection.setReadOnly(true);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollback(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new TraceStoreException("Cannot " + what, e);
    }
  }

  private static void rollback(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}

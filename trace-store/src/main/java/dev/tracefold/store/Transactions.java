package dev.tracefold.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs work in one transaction on a pooled connection: commits when the work returns, rolls back
 * when it throws, and wraps every {@link SQLException} in a {@link TraceStoreException} saying what
 * could not be done. Thread-safe.
 */
final class Transactions {
  private final DataSource dataSource;

  Transactions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Work on one connection inside a transaction. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in a read-write transaction (read committed).
   *
   * @param what what the work does, for the error message ("Cannot " + what)
   */
  <T> T write(String what, SqlWork<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      return run(connection, work);
    } catch (SQLException e) {
      throw new TraceStoreException("Cannot " + what, e);
    }
  }

  /**
   * Runs {@code work} in a read-only repeatable-read transaction: every query of the work sees one
   * snapshot.
   *
   * @param what what the work does, for the error message ("Cannot " + what)
   */
  <T> T read(String what, SqlWork<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      return run(connection, work);
    } catch (SQLException e) {
      throw new TraceStoreException("Cannot " + what, e);
    }
  }

  private static <T> T run(Connection connection, SqlWork<T> work) throws SQLException {
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      throw e;
    }
  }
}

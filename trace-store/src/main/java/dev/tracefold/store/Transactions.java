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
   * Runs {@code work} in a read-write transaction (read committed); delegates to {@link Jdbc}.
   *
   * @param what what the work does, for the error message ("Cannot " + what)
   */
  <T> T write(String what, SqlWork<T> work) {
    return Jdbc.inTransaction(dataSource, what, work::run);
  }

  /**
   * Runs {@code work} in a read-only repeatable-read transaction: every query of the work sees one
   * snapshot.
   *
   * @param what what the work does, for the error message ("Cannot " + what)
   */
  <T> T read(String what, SqlWork<T> work) {
    return Jdbc.inReadTransaction(dataSource, what, work::run);
  }
}

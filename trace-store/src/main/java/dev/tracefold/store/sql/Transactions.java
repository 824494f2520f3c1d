package dev.tracefold.store.sql;

import dev.tracefold.store.TraceStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs work in one transaction on a pooled connection: commits when the work returns, rolls back
 * when it throws (a failed rollback is added to the work's exception as suppressed), and wraps
 * every {@link SQLException} in a {@link TraceStoreException} saying what could not be done
 * ("Cannot " + what). The one transaction helper of trace-store; every store borrows its
 * connections through it. Thread-safe.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class Transactions {
  private final DataSource dataSource;

  public Transactions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Work on one connection inside a transaction. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in a read-write transaction (read committed).
   *
   * @param what what the work does, for the error message ("Cannot " + what)
   * @throws TraceStoreException if the database fails; nothing of the work is committed
   */
  public <T> T write(String what, SqlWork<T> work) {
    return run(what, false, work);
  }

  /**
   * Runs {@code work} in a read-only repeatable-read transaction: every query of the work sees one
   * snapshot.
   *
   * @param what what the work does, for the error message ("Cannot " + what)
   * @throws TraceStoreException if the database fails
   */
  public <T> T read(String what, SqlWork<T> work) {
    return run(what, true, work);
  }

  private <T> T run(String what, boolean readOnly, SqlWork<T> work) {
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

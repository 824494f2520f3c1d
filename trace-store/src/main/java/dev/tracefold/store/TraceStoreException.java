package dev.tracefold.store;

import java.sql.SQLException;

/**
 * A database operation of {@link TraceStore} failed. The transaction it ran in was rolled back, so
 * nothing of the failed call is stored and the call may be retried.
 *
 * <p>{@link #isDataError()} tells failures caused by the data itself (retrying the same data fails
 * again) from failures of the database or the connection (retrying later may succeed).
 */
public final class TraceStoreException extends RuntimeException {
  private final String sqlState;

  public TraceStoreException(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
    this.sqlState = cause.getSQLState();
  }

  /** The SQLSTATE PostgreSQL reported, e.g. {@code 08006}; null when the driver gave none. */
  public String sqlState() {
    return sqlState;
  }

  /**
   * True when the data was refused (SQLSTATE class 22 "data exception", 23 "integrity constraint
   * violation" or 54 "program limit exceeded"): the same data will fail again.
   */
  public boolean isDataError() {
    return sqlState != null
        && (sqlState.startsWith("22") || sqlState.startsWith("23") || sqlState.startsWith("54"));
  }
}

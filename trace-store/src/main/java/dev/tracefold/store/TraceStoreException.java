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
  private final String operation;

  public TraceStoreException(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
    this.sqlState = cause.getSQLState();
    this.operation = message;
  }

  /**
   * What failed, without PostgreSQL's own message (which can quote data, statements and server
   * details): e.g. {@code Cannot list traces of project p1}. What a client may be told; the message
   * and the cause are for the log.
   */
  public String operation() {
    return operation;
  }

  /** Characters of PostgreSQL's error that {@link #summary()} keeps. */
  static final int MAX_SUMMARY_ERROR_CHARS = 300;

  /**
   * For logs: the operation, the SQLSTATE and the first line of PostgreSQL's own error (the last
   * {@link SQLException} of the chain: a batch's first message quotes its statements with their
   * values), at most {@value #MAX_SUMMARY_ERROR_CHARS} characters of it. E.g. {@code Cannot store 3
   * completed traces (SQLSTATE 54000): ERROR: index row size 6032 exceeds btree version 4 maximum
   * 2704 for index ...}.
   */
  public String summary() {
    SQLException last = (SQLException) getCause();
    while (last.getNextException() != null && last.getNextException() != last) {
      last = last.getNextException();
    }
    String error = String.valueOf(last.getMessage()).strip();
    int newline = error.indexOf('\n');
    if (newline >= 0) {
      error = error.substring(0, newline);
    }
    if (error.length() > MAX_SUMMARY_ERROR_CHARS) {
      error = error.substring(0, MAX_SUMMARY_ERROR_CHARS) + "…";
    }
    return operation + " (SQLSTATE " + sqlState + "): " + error;
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

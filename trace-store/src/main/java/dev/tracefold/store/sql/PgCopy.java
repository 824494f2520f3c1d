package dev.tracefold.store.sql;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Rows in PostgreSQL's binary {@code COPY} format, sent with pgjdbc's {@code CopyManager} into a
 * table, or into a temporary staging table from which one {@code INSERT ... SELECT} moves them
 * (where rows may conflict with stored ones). Faster than multi-row {@code INSERT ... VALUES} with
 * bound parameters: no statement of thousands of parameters to parse and plan, no text parsing of
 * numbers, arrays and byte strings on the server.
 *
 * <p>Text values are written as {@link PgValues#text} stores them (NUL replaced). Not thread-safe:
 * one instance per batch.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class PgCopy {
  private static final byte[] SIGNATURE =
      "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
  private static final int TEXT_OID = 25;

  /** The file trailer: a tuple field count of -1. */
  private static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
  private final DataOutputStream out = new DataOutputStream(bytes);
  private final int columns;
  private int rows;

  /** A new batch of rows of {@code columns} columns each. */
  public PgCopy(int columns) {
    this.columns = columns;
    try {
      out.write(SIGNATURE);
      out.writeInt(0); // flags
      out.writeInt(0); // header extension length
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates the session's temporary staging table {@code name} shaped like {@code table} (its
   * columns and defaults, no constraints or indexes) unless it exists; its rows are deleted at
   * every commit. (Asked every time: a table created in a transaction that rolls back is gone.)
   */
  public static void createStaging(Connection connection, String name, String table)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TEMP TABLE IF NOT EXISTS "
              + name
              + " (LIKE "
              + table
              + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
    }
  }

  /** Starts a row; exactly {@code columns} values must follow. */
  public PgCopy row() {
    rows++;
    return write(() -> out.writeShort(columns));
  }

  public PgCopy text(CharSequence value) {
    return value == null ? nul() : bytes(PgValues.text(value).getBytes(StandardCharsets.UTF_8));
  }

  public PgCopy int8(Long value) {
    return value == null
        ? nul()
        : write(
            () -> {
              out.writeInt(8);
              out.writeLong(value);
            });
  }

  public PgCopy int8(long value) {
    return int8(Long.valueOf(value));
  }

  public PgCopy int4(Integer value) {
    return value == null
        ? nul()
        : write(
            () -> {
              out.writeInt(4);
              out.writeInt(value);
            });
  }

  public PgCopy bool(boolean value) {
    return write(
        () -> {
          out.writeInt(1);
          out.writeByte(value ? 1 : 0);
        });
  }

  /** A bytea value (or a text value's UTF-8 bytes). */
  public PgCopy bytes(byte[] value) {
    return value == null
        ? nul()
        : write(
            () -> {
              out.writeInt(value.length);
              out.write(value);
            });
  }

  /** A jsonb value: format version 1, then the JSON text. */
  public PgCopy jsonb(String json) {
    if (json == null) {
      return nul();
    }
    byte[] text = json.getBytes(StandardCharsets.UTF_8);
    return write(
        () -> {
          out.writeInt(text.length + 1);
          out.writeByte(1);
          out.write(text);
        });
  }

  /** A one-dimensional text[] value (empty for an empty list); elements must not be null. */
  public PgCopy textArray(List<? extends CharSequence> values) {
    byte[][] elements = new byte[values.size()][];
    int length = values.isEmpty() ? 12 : 20;
    for (int i = 0; i < elements.length; i++) {
      elements[i] = PgValues.text(values.get(i)).getBytes(StandardCharsets.UTF_8);
      length += 4 + elements[i].length;
    }
    int total = length;
    return write(
        () -> {
          out.writeInt(total);
          out.writeInt(elements.length == 0 ? 0 : 1); // dimensions
          out.writeInt(0); // has nulls
          out.writeInt(TEXT_OID);
          if (elements.length > 0) {
            out.writeInt(elements.length);
            out.writeInt(1); // lower bound
            for (byte[] element : elements) {
              out.writeInt(element.length);
              out.write(element);
            }
          }
        });
  }

  /** Rows written so far. */
  public int rows() {
    return rows;
  }

  /**
   * Sends the rows with {@code COPY <target> FROM STDIN (FORMAT binary)}. May be called again (into
   * another target, or after a rollback to a savepoint) with the same rows.
   *
   * @param target the table and its column list, e.g. {@code span_staging (a, b)}
   * @return rows copied
   */
  public long copyInto(Connection connection, String target) throws SQLException {
    try {
      return connection
          .unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              "COPY " + target + " FROM STDIN (FORMAT binary)",
              new SequenceInputStream(
                  new ByteArrayInputStream(bytes.toByteArray()),
                  new ByteArrayInputStream(TRAILER)));
    } catch (IOException e) {
      throw new SQLException("Cannot send rows to COPY " + target + ": " + e.getMessage(), e);
    }
  }

  private PgCopy nul() {
    return write(() -> out.writeInt(-1));
  }

  @FunctionalInterface
  private interface IoWork {
    void run() throws IOException;
  }

  private PgCopy write(IoWork work) {
    try {
      work.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return this;
  }
}

package dev.tracefold.store.sql;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows in PostgreSQL's binary {@code COPY} format, sent with pgjdbc's {@code CopyManager} into a
 * table, or into a temporary staging table from which one {@code INSERT ... SELECT} moves them
 * (where rows may conflict with stored ones). Faster than multi-row {@code INSERT ... VALUES} with
 * bound parameters: no statement of thousands of parameters to parse and plan, no text parsing of
 * numbers, arrays and byte strings on the server.
 *
 * <p>The rows are kept in one growing array, written big-endian as the format wants, and sent from
 * it without a copy. Text values are written as {@link PgValues#text} stores them (NUL replaced).
 * Not thread-safe: one instance per batch.
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

  private final int columns;
  private byte[] buffer;
  private int length;
  private int rows;

  /** Appends to the rows: what Jackson's generators write into. */
  private final OutputStream rowsStream =
      new OutputStream() {
        @Override
        public void write(int b) {
          putByte(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int count) {
          put(bytes, offset, count);
        }
      };

  /** A new batch of rows of {@code columns} columns each. */
  public PgCopy(int columns) {
    this(columns, 64 * 1024);
  }

  /**
   * A new batch of rows of {@code columns} columns each, its buffer sized for {@code expectedBytes}
   * (it grows beyond if needed; a good guess saves copying a large batch as it grows).
   */
  public PgCopy(int columns, int expectedBytes) {
    this.columns = columns;
    this.buffer = new byte[Math.max(1024, expectedBytes)];
    put(SIGNATURE);
    putInt(0); // flags
    putInt(0); // header extension length
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
    putShort(columns);
    return this;
  }

  public PgCopy text(CharSequence value) {
    return value == null ? nul() : bytes(PgValues.text(value).getBytes(StandardCharsets.UTF_8));
  }

  public PgCopy int8(Long value) {
    return value == null ? nul() : int8(value.longValue());
  }

  public PgCopy int8(long value) {
    putInt(8);
    putLong(value);
    return this;
  }

  public PgCopy int4(Integer value) {
    if (value == null) {
      return nul();
    }
    putInt(4);
    putInt(value);
    return this;
  }

  public PgCopy bool(boolean value) {
    putInt(1);
    putByte(value ? 1 : 0);
    return this;
  }

  /** A bytea value (or a text value's UTF-8 bytes). */
  public PgCopy bytes(byte[] value) {
    if (value == null) {
      return nul();
    }
    putInt(value.length);
    put(value);
    return this;
  }

  /** A jsonb value: format version 1, then the JSON text. */
  public PgCopy jsonb(String json) {
    if (json == null) {
      return nul();
    }
    byte[] text = json.getBytes(StandardCharsets.UTF_8);
    putInt(text.length + 1);
    putByte(1); // jsonb format version
    put(text);
    return this;
  }

  /**
   * A jsonb value of an attribute map as {@link PgValues#writeJson} writes it, generated straight
   * into the rows (no copy of the map, no JSON string); null for a null map.
   */
  public PgCopy jsonb(Map<? extends CharSequence, ?> attributes) {
    if (attributes == null) {
      return nul();
    }
    int lengthAt = length;
    putInt(0); // the value's length, set below
    putByte(1); // jsonb format version
    try (JsonGenerator out = PgValues.jsonFactory().createGenerator(rowsStream)) {
      PgValues.writeJson(out, attributes);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write attributes as JSON", e); // memory only: never
    }
    setInt(lengthAt, length - lengthAt - 4);
    return this;
  }

  /** A one-dimensional text[] value (empty for an empty list); elements must not be null. */
  public PgCopy textArray(List<? extends CharSequence> values) {
    byte[][] elements = new byte[values.size()][];
    int total = values.isEmpty() ? 12 : 20;
    for (int i = 0; i < elements.length; i++) {
      elements[i] = PgValues.text(values.get(i)).getBytes(StandardCharsets.UTF_8);
      total += 4 + elements[i].length;
    }
    putInt(total);
    putInt(elements.length == 0 ? 0 : 1); // dimensions
    putInt(0); // has nulls
    putInt(TEXT_OID);
    if (elements.length > 0) {
      putInt(elements.length);
      putInt(1); // lower bound
      for (byte[] element : elements) {
        putInt(element.length);
        put(element);
      }
    }
    return this;
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
   * @throws SQLException if PostgreSQL refuses the statement or a row
   */
  public long copyInto(Connection connection, String target) throws SQLException {
    CopyIn copy =
        connection
            .unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn("COPY " + target + " FROM STDIN (FORMAT binary)");
    try {
      copy.writeToCopy(buffer, 0, length);
      copy.writeToCopy(TRAILER, 0, TRAILER.length);
      return copy.endCopy();
    } catch (SQLException | RuntimeException e) {
      if (copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException cancel) {
          e.addSuppressed(cancel);
        }
      }
      throw e;
    }
  }

  private PgCopy nul() {
    putInt(-1);
    return this;
  }

  private void ensure(int more) {
    if (length + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
    }
  }

  private void put(byte[] value) {
    put(value, 0, value.length);
  }

  private void put(byte[] bytes, int offset, int count) {
    ensure(count);
    System.arraycopy(bytes, offset, buffer, length, count);
    length += count;
  }

  private void putByte(int value) {
    ensure(1);
    buffer[length++] = (byte) value;
  }

  private void putShort(int value) {
    ensure(2);
    buffer[length++] = (byte) (value >>> 8);
    buffer[length++] = (byte) value;
  }

  private void putInt(int value) {
    ensure(4);
    setInt(length, value);
    length += 4;
  }

  /** Writes {@code value} big-endian at {@code at}, within what is written already or ensured. */
  private void setInt(int at, int value) {
    buffer[at] = (byte) (value >>> 24);
    buffer[at + 1] = (byte) (value >>> 16);
    buffer[at + 2] = (byte) (value >>> 8);
    buffer[at + 3] = (byte) value;
  }

  private void putLong(long value) {
    putInt((int) (value >>> 32));
    putInt((int) value);
  }
}

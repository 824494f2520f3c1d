package dev.tracefold.store.sql;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A piece of SQL with its {@code ?} parameters, built up clause by clause. Parameters are {@link
 * String}, {@link Long}, {@link Integer}, {@link Double} or {@code String[]} (bound as {@code
 * text[]}). Not thread-safe while being built.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class SqlFragment {
  private final StringBuilder sql = new StringBuilder();
  private final List<Object> params = new ArrayList<>();

  /** Appends SQL text and the values of its {@code ?} placeholders, in order. */
  SqlFragment append(String text, Object... values) {
    sql.append(text);
    params.addAll(List.of(values));
    return this;
  }

  /** Appends {@code " AND " + clause} (just the clause when the fragment is empty). */
  public SqlFragment and(String clause, Object... values) {
    return append(sql.length() == 0 ? clause : " AND " + clause, values);
  }

  /**
   * Appends {@code " AND " + before + inner + after} (without {@code " AND "} when the fragment is
   * empty), with the parameters of {@code inner}: a condition around a nested one, such as {@code
   * EXISTS (SELECT ... WHERE <inner>)}.
   */
  public SqlFragment and(String before, SqlFragment inner, String after) {
    and(before + inner.sql() + after);
    params.addAll(inner.params);
    return this;
  }

  public String sql() {
    return sql.toString();
  }

  /** Binds the parameters from {@code first}; returns the next free parameter index. */
  public int bind(PreparedStatement statement, int first) throws SQLException {
    int index = first;
    for (Object value : params) {
      if (value instanceof String text) {
        statement.setString(index, PgValues.text(text));
      } else if (value instanceof Long number) {
        statement.setLong(index, number);
      } else if (value instanceof Integer number) {
        statement.setInt(index, number);
      } else if (value instanceof Double number) {
        statement.setDouble(index, number);
      } else if (value instanceof String[] texts) {
        String[] clean = new String[texts.length];
        for (int i = 0; i < texts.length; i++) {
          clean[i] = PgValues.text(texts[i]);
        }
        statement.setArray(index, statement.getConnection().createArrayOf("text", clean));
      } else {
        throw new IllegalStateException("Unsupported SQL parameter " + value);
      }
      index++;
    }
    return index;
  }
}

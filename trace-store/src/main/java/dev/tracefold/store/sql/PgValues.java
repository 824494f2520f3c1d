package dev.tracefold.store.sql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefold.schemas.topic.TraceKey;
import java.io.IOException;
import java.io.StringWriter;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Converts values between Java and PostgreSQL columns. PostgreSQL text and jsonb cannot hold the
 * NUL character, and jsonb cannot hold NaN or infinities: text is stored with NUL replaced by
 * U+FFFD and non-finite doubles as the strings {@code NaN}, {@code Infinity}, {@code -Infinity}
 * (the lossless copy of a span is its Avro payload). Stateless and thread-safe.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class PgValues {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP =
      new TypeReference<>() {};
  private static final TypeReference<TreeMap<String, List<String>>> PARAMS =
      new TypeReference<>() {};

  /** SQL expression of the database's transaction time in milliseconds since the Unix epoch. */
  public static final String NOW_EPOCH_MILLIS = "(extract(epoch FROM now()) * 1000)::bigint";

  private PgValues() {}

  /** The text with every NUL character replaced by U+FFFD; null stays null. */
  public static String text(CharSequence value) {
    if (value == null) {
      return null;
    }
    String text = value.toString();
    return text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
  }

  public static void setText(PreparedStatement statement, int index, CharSequence value)
      throws SQLException {
    statement.setString(index, text(value));
  }

  static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  public static Long getLong(ResultSet rows, String column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? null : value;
  }

  public static Integer getInteger(ResultSet rows, String column) throws SQLException {
    int value = rows.getInt(column);
    return rows.wasNull() ? null : value;
  }

  /**
   * Binds parameters {@code first} and {@code first + 1} to the project ids and the trace ids of
   * the traces, as two text arrays of equal length (for {@code unnest(?::text[], ?::text[])}).
   */
  public static void setTraceKeys(
      PreparedStatement statement, int first, Collection<TraceKey> traces) throws SQLException {
    String[] projects = new String[traces.size()];
    String[] traceIds = new String[traces.size()];
    int i = 0;
    for (TraceKey trace : traces) {
      projects[i] = trace.projectId();
      traceIds[i] = trace.traceId();
      i++;
    }
    Connection connection = statement.getConnection();
    statement.setArray(first, connection.createArrayOf("text", projects));
    statement.setArray(first + 1, connection.createArrayOf("text", traceIds));
  }

  public static void setTextArray(
      PreparedStatement statement, int index, List<? extends CharSequence> values)
      throws SQLException {
    statement.setArray(index, textArray(statement.getConnection(), values));
  }

  public static Array textArray(Connection connection, List<? extends CharSequence> values)
      throws SQLException {
    String[] texts = new String[values.size()];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = text(values.get(i));
    }
    return connection.createArrayOf("text", texts);
  }

  public static List<String> getTextArray(ResultSet rows, String column) throws SQLException {
    Array array = rows.getArray(column);
    if (array == null) {
      return new ArrayList<>();
    }
    try {
      return new ArrayList<>(Arrays.asList((String[]) array.getArray()));
    } finally {
      array.free();
    }
  }

  /**
   * JSON object text of an attribute map, as {@link #writeJson} writes it.
   *
   * @throws IllegalStateException if Jackson cannot write it (it can write every value this takes)
   */
  public static String json(Map<? extends CharSequence, ?> map) {
    StringWriter text = new StringWriter();
    try (JsonGenerator out = jsonFactory().createGenerator(text)) {
      writeJson(out, map);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write attributes as JSON", e);
    }
    return text.toString();
  }

  /**
   * Writes an attribute map as one JSON object, in the map's order, without copying it: names and
   * string values as {@link #text} stores them (NUL replaced; a name twice after that keeps its
   * last value, as jsonb does); null, boolean, integer and finite floating-point values as JSON
   * values; non-finite doubles ({@code NaN}, {@code Infinity}, {@code -Infinity}) and anything else
   * as strings (jsonb has no non-finite numbers).
   *
   * @throws IOException if {@code out} cannot write
   */
  public static void writeJson(JsonGenerator out, Map<? extends CharSequence, ?> map)
      throws IOException {
    out.writeStartObject();
    for (Map.Entry<? extends CharSequence, ?> attribute : map.entrySet()) {
      out.writeFieldName(text(attribute.getKey()));
      Object value = attribute.getValue();
      if (value == null) {
        out.writeNull();
      } else if (value instanceof Boolean bool) {
        out.writeBoolean(bool);
      } else if (value instanceof Long || value instanceof Integer) {
        out.writeNumber(((Number) value).longValue());
      } else if (value instanceof Double || value instanceof Float) {
        writeFloatingPoint(out, (Number) value);
      } else {
        out.writeString(text(value.toString()));
      }
    }
    out.writeEndObject();
  }

  private static void writeFloatingPoint(JsonGenerator out, Number value) throws IOException {
    double number = value.doubleValue();
    if (!Double.isFinite(number)) {
      out.writeString(Double.toString(number));
    } else if (value instanceof Float single) {
      out.writeNumber(single); // its own shortest form, not the double's
    } else {
      out.writeNumber(number);
    }
  }

  /** The factory of the generators {@link #writeJson} writes with. */
  static JsonFactory jsonFactory() {
    return JSON.getFactory();
  }

  /** Reads a JSON object of strings written by {@link #json(Map)}. */
  public static Map<String, String> stringMap(String json) {
    try {
      return JSON.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "Stored metadata is not a JSON object of strings: " + json, e);
    }
  }

  /**
   * JSON object text of filter list parameters ({@code {"status": ["ERROR"]}}), names and values
   * with NUL replaced as by {@link #text} (jsonb rejects {@code \u0000}).
   */
  public static String paramsJson(Map<String, List<String>> params) {
    Map<String, List<String>> clean = new TreeMap<>();
    params.forEach(
        (name, values) -> clean.put(text(name), values.stream().map(PgValues::text).toList()));
    try {
      return JSON.writeValueAsString(clean);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write filter parameters as JSON", e);
    }
  }

  /** Reads filter list parameters written by {@link #paramsJson}. */
  public static TreeMap<String, List<String>> params(String json) {
    try {
      return JSON.readValue(json, PARAMS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "Stored filter is not a JSON object of string lists: " + json, e);
    }
  }
}

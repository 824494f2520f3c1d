package dev.tracefold.store.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.sql.PgValues;
import dev.tracefold.store.trace.TraceLocks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads and writes the {@code scores} table and the score summary of {@code traces} ({@code
 * scores_count}, {@code latest_scores}). Callers hold the trace's lock ({@link TraceLocks}) when
 * they write, so the latest flag and the summary never race. Stateless and thread-safe.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class ScoreRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String COLUMNS =
      "score_id, evaluator_name, evaluator_version, trigger_id, rule_id, revision, passed, value,"
          + " label, reason, source, created_by, created_epoch_millis";

  /**
   * The new score is the latest of its evaluator unless one of a higher revision exists (among
   * equal revisions the newest, which it is). A trigger already answered by the evaluator inserts
   * nothing.
   */
  private static final String INSERT_SQL =
      "INSERT INTO scores (project_id, trace_id, evaluator_name, evaluator_version, trigger_id,"
          + " rule_id, revision, passed, value, label, reason, source, created_by,"
          + " created_epoch_millis, latest)"
          + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          + PgValues.NOW_EPOCH_MILLIS
          + ", NOT EXISTS (SELECT 1 FROM scores o WHERE o.project_id = ? AND o.trace_id = ?"
          + " AND o.evaluator_name = ? AND o.revision > ?)"
          + " ON CONFLICT (project_id, trace_id, trigger_id, evaluator_name) DO NOTHING"
          + " RETURNING "
          + COLUMNS
          + ", latest";

  private static final String SUPERSEDE_SQL =
      "UPDATE scores SET latest = false WHERE project_id = ? AND trace_id = ?"
          + " AND evaluator_name = ? AND latest AND score_id <> ?";

  private static final String FIND_ANSWER_SQL =
      "SELECT "
          + COLUMNS
          + " FROM scores WHERE project_id = ? AND trace_id = ? AND trigger_id = ?"
          + " AND evaluator_name = ?";

  private static final String LIST_SQL =
      "SELECT " + COLUMNS + " FROM scores WHERE project_id = ? AND trace_id = ? ORDER BY score_id";

  /** Recomputes the trace's summary from its scores (a handful per trace). */
  private static final String REFRESH_SUMMARY_SQL =
      "UPDATE traces t SET scores_count = (SELECT count(*) FROM scores s"
          + " WHERE s.project_id = t.project_id AND s.trace_id = t.trace_id),"
          + " latest_scores = coalesce((SELECT jsonb_object_agg(s.evaluator_name,"
          + " jsonb_build_object('id', s.score_id, 'evaluator_version', s.evaluator_version,"
          + " 'trigger_id', s.trigger_id, 'rule_id', s.rule_id, 'revision', s.revision,"
          + " 'passed', s.passed, 'value', s.value, 'label', s.label, 'source', s.source,"
          + " 'created_by', s.created_by, 'created_epoch_millis', s.created_epoch_millis))"
          + " FROM scores s WHERE s.project_id = t.project_id AND s.trace_id = t.trace_id"
          + " AND s.latest), '{}'::jsonb)"
          + " WHERE t.project_id = ? AND t.trace_id = ?";

  private static final String PENDING_SQL =
      "SELECT f.project_id, f.trace_id, count(*) FROM fired_triggers f"
          + " JOIN unnest(?::text[], ?::text[]) AS k(project_id, trace_id)"
          + " ON f.project_id = k.project_id AND f.trace_id = k.trace_id"
          + " WHERE NOT EXISTS (SELECT 1 FROM scores s WHERE s.project_id = f.project_id"
          + " AND s.trace_id = f.trace_id AND s.trigger_id = f.trigger_id)"
          + " GROUP BY f.project_id, f.trace_id";

  /**
   * Triggers fired in {@code [from, before)} that no score answers, of rules that some score has
   * answered (a rule no evaluator answers with scores is never counted), counted up to a limit.
   */
  private static final String UNANSWERED_SQL =
      "SELECT count(*) FROM (SELECT 1 FROM fired_triggers f"
          + " WHERE f.fired_at >= ? AND f.fired_at < ?"
          + " AND NOT EXISTS (SELECT 1 FROM scores s WHERE s.project_id = f.project_id"
          + " AND s.trace_id = f.trace_id AND s.trigger_id = f.trigger_id)"
          + " AND EXISTS (SELECT 1 FROM scores r WHERE r.project_id = f.project_id"
          + " AND r.rule_id = f.rule_id)"
          + " LIMIT ?) u";

  private ScoreRows() {}

  /**
   * Inserts a score, makes it its evaluator's latest unless one of a higher revision exists, and
   * refreshes the trace's summary.
   *
   * @return the stored score, or empty when the trigger was answered by this evaluator already
   */
  static Optional<TraceScore> insert(
      Connection connection, TraceKey trace, NewScore score, int revision, String ruleId)
      throws SQLException {
    TraceScore stored;
    boolean latest;
    try (PreparedStatement statement = connection.prepareStatement(INSERT_SQL)) {
      int i = 1;
      statement.setString(i++, trace.projectId());
      statement.setString(i++, trace.traceId());
      PgValues.setText(statement, i++, score.evaluatorName());
      PgValues.setText(statement, i++, score.evaluatorVersion());
      PgValues.setText(statement, i++, score.triggerId());
      PgValues.setText(statement, i++, ruleId);
      statement.setInt(i++, revision);
      if (score.passed() == null) {
        statement.setNull(i++, Types.BOOLEAN);
      } else {
        statement.setBoolean(i++, score.passed());
      }
      if (score.value() == null) {
        statement.setNull(i++, Types.DOUBLE);
      } else {
        statement.setDouble(i++, score.value());
      }
      PgValues.setText(statement, i++, score.label());
      PgValues.setText(statement, i++, score.reason());
      statement.setString(i++, score.source().wireName());
      PgValues.setText(statement, i++, score.createdBy());
      statement.setString(i++, trace.projectId());
      statement.setString(i++, trace.traceId());
      PgValues.setText(statement, i++, score.evaluatorName());
      statement.setInt(i, revision);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        stored = read(rows);
        latest = rows.getBoolean("latest");
      }
    }
    if (latest) {
      try (PreparedStatement statement = connection.prepareStatement(SUPERSEDE_SQL)) {
        statement.setString(1, trace.projectId());
        statement.setString(2, trace.traceId());
        statement.setString(3, stored.evaluatorName());
        statement.setLong(4, stored.id());
        statement.executeUpdate();
      }
    }
    try (PreparedStatement statement = connection.prepareStatement(REFRESH_SUMMARY_SQL)) {
      statement.setString(1, trace.projectId());
      statement.setString(2, trace.traceId());
      statement.executeUpdate();
    }
    return Optional.of(stored);
  }

  /** The evaluator's score answering the trigger, if there is one. */
  static Optional<TraceScore> findAnswer(
      Connection connection, TraceKey trace, String triggerId, String evaluatorName)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(FIND_ANSWER_SQL)) {
      statement.setString(1, trace.projectId());
      statement.setString(2, trace.traceId());
      PgValues.setText(statement, 3, triggerId);
      PgValues.setText(statement, 4, evaluatorName);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  /** Every score of the trace in creation order. */
  public static List<TraceScore> list(Connection connection, TraceKey trace) throws SQLException {
    List<TraceScore> scores = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(LIST_SQL)) {
      statement.setString(1, trace.projectId());
      statement.setString(2, trace.traceId());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          scores.add(read(rows));
        }
      }
    }
    return scores;
  }

  /** How many triggers fired for the trace no score answers. */
  public static int pendingTriggers(Connection connection, TraceKey trace) throws SQLException {
    return pendingTriggers(connection, List.of(trace)).getOrDefault(trace, 0);
  }

  /** {@link #pendingTriggers(Connection, TraceKey)} of many traces; traces with none are absent. */
  public static Map<TraceKey, Integer> pendingTriggers(
      Connection connection, Collection<TraceKey> traces) throws SQLException {
    Map<TraceKey, Integer> pending = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(PENDING_SQL)) {
      PgValues.setTraceKeys(statement, 1, traces);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          pending.put(new TraceKey(rows.getString(1), rows.getString(2)), rows.getInt(3));
        }
      }
    }
    return pending;
  }

  /** See {@link #UNANSWERED_SQL}. */
  static long unansweredTriggers(Connection connection, Instant from, Instant before, int limit)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(UNANSWERED_SQL)) {
      statement.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
      statement.setObject(2, OffsetDateTime.ofInstant(before, ZoneOffset.UTC));
      statement.setInt(3, limit);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Reads a trace's {@code latest_scores} column: evaluator name to its latest score. */
  public static SortedMap<String, TraceScore> latest(String json) {
    SortedMap<String, TraceScore> latest = new TreeMap<>();
    if (json == null) {
      return latest;
    }
    JsonNode object;
    try {
      object = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored latest_scores is not JSON: " + json, e);
    }
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      JsonNode s = field.getValue();
      latest.put(
          field.getKey(),
          new TraceScore(
              s.path("id").asLong(),
              field.getKey(),
              text(s, "evaluator_version"),
              text(s, "trigger_id"),
              text(s, "rule_id"),
              s.path("revision").asInt(),
              s.path("passed").isBoolean() ? s.path("passed").booleanValue() : null,
              s.path("value").isNumber() ? s.path("value").doubleValue() : null,
              text(s, "label"),
              null,
              ScoreSource.fromWireName(s.path("source").asText()),
              text(s, "created_by"),
              s.path("created_epoch_millis").asLong()));
    }
    return latest;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static TraceScore read(ResultSet rows) throws SQLException {
    boolean passedValue = rows.getBoolean("passed");
    Boolean passed = rows.wasNull() ? null : passedValue;
    double numericValue = rows.getDouble("value");
    Double value = rows.wasNull() ? null : numericValue;
    return new TraceScore(
        rows.getLong("score_id"),
        rows.getString("evaluator_name"),
        rows.getString("evaluator_version"),
        rows.getString("trigger_id"),
        rows.getString("rule_id"),
        rows.getInt("revision"),
        passed,
        value,
        rows.getString("label"),
        rows.getString("reason"),
        ScoreSource.fromWireName(rows.getString("source")),
        rows.getString("created_by"),
        rows.getLong("created_epoch_millis"));
  }
}

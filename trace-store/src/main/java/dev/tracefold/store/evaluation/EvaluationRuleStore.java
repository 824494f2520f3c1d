package dev.tracefold.store.evaluation;

import dev.tracefold.store.TraceStore;
import dev.tracefold.store.sql.PgValues;
import dev.tracefold.store.sql.ResourceTable;
import dev.tracefold.store.sql.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Evaluation rules of projects ({@code evaluation_rules}). Obtained from {@link
 * TraceStore#evaluationRules()}; shares its connection pool. A rule that stops being of turn last,
 * or is disabled, keeps the triggers it already scheduled until they are due; the sink then drops
 * them. Deleting a rule deletes its unclaimed pending triggers; the triggers it fired stay
 * recorded. Thread-safe.
 */
public final class EvaluationRuleStore
    extends ProjectResourceStore<RuleDefinition, EvaluationRule> {
  private static final String COLUMNS =
      "project_id, rule_id, name, enabled, filter_params::text AS filter_params,"
          + " sampling_percent, turn, last_delay_millis, created_epoch_millis,"
          + " updated_epoch_millis";
  private static final String INSERT_SQL =
      "INSERT INTO evaluation_rules (project_id, rule_id, name, enabled, filter_params,"
          + " sampling_percent, turn, last_delay_millis, created_epoch_millis,"
          + " updated_epoch_millis) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, "
          + PgValues.NOW_EPOCH_MILLIS
          + ", "
          + PgValues.NOW_EPOCH_MILLIS
          + ") RETURNING "
          + COLUMNS;
  private static final String UPDATE_SQL =
      "UPDATE evaluation_rules SET name = ?, enabled = ?, filter_params = ?::jsonb,"
          + " sampling_percent = ?, turn = ?, last_delay_millis = ?, updated_epoch_millis = "
          + PgValues.NOW_EPOCH_MILLIS
          + " WHERE project_id = ? AND rule_id = ? RETURNING "
          + COLUMNS;
  private static final String LIST_ENABLED_SQL =
      "SELECT " + COLUMNS + " FROM evaluation_rules WHERE enabled ORDER BY project_id, rule_id";
  private static final String DELETE_PENDING_SQL =
      "DELETE FROM pending_triggers WHERE project_id = ? AND rule_id = ? AND claimed_by IS NULL";

  public EvaluationRuleStore(Transactions transactions) {
    super(
        new ResourceTable<>(
            transactions,
            "evaluation rule",
            "evaluation_rules",
            "r",
            "rule_id",
            COLUMNS,
            "created_epoch_millis, rule_id",
            EvaluationRuleStore::read),
        INSERT_SQL,
        UPDATE_SQL,
        LIST_ENABLED_SQL,
        DELETE_PENDING_SQL);
  }

  /** Binds name, enabled, filter, sampling, turn and delay from {@code index}; returns the next. */
  @Override
  int bind(PreparedStatement statement, int index, RuleDefinition definition) throws SQLException {
    int i = index;
    PgValues.setText(statement, i++, definition.name());
    statement.setBoolean(i++, definition.enabled());
    statement.setString(i++, PgValues.paramsJson(definition.selection().filterParams()));
    statement.setDouble(i++, definition.selection().samplingPercent());
    statement.setString(i++, definition.turn().wireName());
    statement.setLong(i++, definition.lastDelayMillis());
    return i;
  }

  private static EvaluationRule read(ResultSet rows) throws SQLException {
    return new EvaluationRule(
        rows.getString("project_id"),
        rows.getString("rule_id"),
        new RuleDefinition(
            rows.getString("name"),
            rows.getBoolean("enabled"),
            new TraceSelection(
                PgValues.params(rows.getString("filter_params")),
                rows.getDouble("sampling_percent")),
            RuleTurn.fromWireName(rows.getString("turn")),
            rows.getLong("last_delay_millis")),
        rows.getLong("created_epoch_millis"),
        rows.getLong("updated_epoch_millis"));
  }
}

package dev.tracefold.store;

import dev.tracefold.store.query.TraceQuery;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Evaluation rules of projects ({@code evaluation_rules}). Obtained from {@link
 * TraceStore#evaluationRules()}; shares its connection pool. Every method but {@link #listEnabled}
 * acts on one project and reports a rule the project does not have as empty (or false).
 * Thread-safe.
 */
public final class EvaluationRuleStore
    implements ProjectResourceStore<RuleDefinition, EvaluationRule> {
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
  private static final String FIND_SQL =
      "SELECT " + COLUMNS + " FROM evaluation_rules WHERE project_id = ? AND rule_id = ?";
  private static final String LIST_SQL =
      "SELECT "
          + COLUMNS
          + " FROM evaluation_rules WHERE project_id = ?"
          + " ORDER BY created_epoch_millis, rule_id LIMIT ? OFFSET ?";
  private static final String LIST_ENABLED_SQL =
      "SELECT " + COLUMNS + " FROM evaluation_rules WHERE enabled ORDER BY project_id, rule_id";
  private static final String DELETE_SQL =
      "DELETE FROM evaluation_rules WHERE project_id = ? AND rule_id = ?";
  private static final String DELETE_PENDING_SQL =
      "DELETE FROM pending_triggers WHERE project_id = ? AND rule_id = ? AND claimed_by IS NULL";

  private final Transactions transactions;

  EvaluationRuleStore(Transactions transactions) {
    this.transactions = transactions;
  }

  /**
   * Creates a rule with a new id.
   *
   * @throws TraceStoreException if the database fails
   */
  public EvaluationRule create(String projectId, RuleDefinition definition) {
    String project = project(projectId);
    Objects.requireNonNull(definition, "definition");
    return transactions.write(
        "create an evaluation rule in project " + projectId,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(INSERT_SQL)) {
            statement.setString(1, project);
            statement.setString(2, UUID.randomUUID().toString());
            bind(statement, 3, definition);
            return readOne(statement).orElseThrow();
          }
        });
  }

  /**
   * Replaces a rule's definition. A rule that stops being of turn last, or is disabled, keeps the
   * triggers it already scheduled until they are due; the sink then drops them.
   *
   * @return the rule as updated, or empty if the project has no such rule
   * @throws TraceStoreException if the database fails
   */
  public Optional<EvaluationRule> update(
      String projectId, String ruleId, RuleDefinition definition) {
    String project = project(projectId);
    Objects.requireNonNull(definition, "definition");
    return transactions.write(
        "update evaluation rule " + ruleId + " of project " + projectId,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(UPDATE_SQL)) {
            int next = bind(statement, 1, definition);
            statement.setString(next++, project);
            PgValues.setText(statement, next, ruleId);
            return readOne(statement);
          }
        });
  }

  /**
   * One rule.
   *
   * @return the rule, or empty if the project has no such rule
   * @throws TraceStoreException if the database fails
   */
  public Optional<EvaluationRule> find(String projectId, String ruleId) {
    String project = project(projectId);
    return transactions.read(
        "find evaluation rule " + ruleId + " of project " + projectId,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(FIND_SQL)) {
            statement.setString(1, project);
            PgValues.setText(statement, 2, ruleId);
            return readOne(statement);
          }
        });
  }

  /**
   * A project's rules, oldest first.
   *
   * @param page 1-based page number
   * @param pageSize rules per page, 1 to {@link TraceQuery#MAX_PAGE_SIZE}
   * @throws TraceStoreException if the database fails
   */
  public Page<EvaluationRule> list(String projectId, int page, int pageSize) {
    TraceQuery.checkPage(page, pageSize);
    String project = project(projectId);
    return transactions.read(
        "list the evaluation rules of project " + projectId,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(LIST_SQL)) {
            statement.setString(1, project);
            statement.setInt(2, pageSize + 1);
            statement.setLong(3, (long) (page - 1) * pageSize);
            return Page.of(readAll(statement), pageSize);
          }
        });
  }

  /**
   * Every enabled rule of every project, by project then id: what the sink caches.
   *
   * @throws TraceStoreException if the database fails
   */
  public List<EvaluationRule> listEnabled() {
    return transactions.read(
        "list the enabled evaluation rules",
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(LIST_ENABLED_SQL)) {
            return readAll(statement);
          }
        });
  }

  /**
   * Deletes a rule and its unclaimed pending triggers; the triggers it fired stay recorded.
   *
   * @return false if the project has no such rule
   * @throws TraceStoreException if the database fails
   */
  public boolean delete(String projectId, String ruleId) {
    String project = project(projectId);
    return transactions.write(
        "delete evaluation rule " + ruleId + " of project " + projectId,
        connection -> {
          int deleted;
          try (PreparedStatement statement = connection.prepareStatement(DELETE_SQL)) {
            statement.setString(1, project);
            PgValues.setText(statement, 2, ruleId);
            deleted = statement.executeUpdate();
          }
          try (PreparedStatement statement = connection.prepareStatement(DELETE_PENDING_SQL)) {
            statement.setString(1, project);
            PgValues.setText(statement, 2, ruleId);
            statement.executeUpdate();
          }
          return deleted > 0;
        });
  }

  private static String project(String projectId) {
    return PgValues.text(Objects.requireNonNull(projectId, "projectId"));
  }

  /** Binds name, enabled, filter, sampling, turn and delay from {@code index}; returns the next. */
  private static int bind(PreparedStatement statement, int index, RuleDefinition definition)
      throws SQLException {
    int i = index;
    PgValues.setText(statement, i++, definition.name());
    statement.setBoolean(i++, definition.enabled());
    statement.setString(i++, PgValues.paramsJson(definition.selection().filterParams()));
    statement.setDouble(i++, definition.selection().samplingPercent());
    statement.setString(i++, definition.turn().wireName());
    statement.setLong(i++, definition.lastDelayMillis());
    return i;
  }

  private static Optional<EvaluationRule> readOne(PreparedStatement statement) throws SQLException {
    List<EvaluationRule> rules = readAll(statement);
    return rules.isEmpty() ? Optional.empty() : Optional.of(rules.get(0));
  }

  private static List<EvaluationRule> readAll(PreparedStatement statement) throws SQLException {
    List<EvaluationRule> rules = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        rules.add(
            new EvaluationRule(
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
                rows.getLong("updated_epoch_millis")));
      }
    }
    return rules;
  }
}

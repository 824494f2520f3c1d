package dev.tracefold.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.server.ServerBuilder;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.evaluation.EvaluationRule;
import dev.tracefold.store.evaluation.RuleDefinition;
import dev.tracefold.store.evaluation.RuleTurn;
import dev.tracefold.store.evaluation.TraceSelection;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Evaluation rules, which fire an evaluation trigger for the project's completed traces they select
 * ({@code {rule_id}}: the rule's id; 404 when the project has no such rule):
 *
 * <ul>
 *   <li>{@code POST /api/v1/evaluation-rules} {@code {"name", "enabled"?, "filter"?,
 *       "sampling_percent"?, "turn"?, "last_delay_seconds"?}}: 201 with the rule. {@code enabled}
 *       defaults to true; {@code filter} is an object of the list parameters of {@code GET
 *       /api/v1/traces}, as trace sets take it (default {@code {}}: every trace); {@code
 *       sampling_percent} is 0 to 100, fractions allowed (default 100); {@code turn} is {@code
 *       first}, {@code every} (the default) or {@code last}; {@code last_delay_seconds} is a whole
 *       number from 1 to {@value #MAX_LAST_DELAY_SECONDS}, for turn {@code last} only (default
 *       {@value #DEFAULT_LAST_DELAY_SECONDS}).
 *   <li>{@code GET /api/v1/evaluation-rules?page&page_size}: {@code {"evaluation_rules": [...],
 *       "count", "page", "page_size", "has_more"}}, oldest first.
 *   <li>{@code GET /api/v1/evaluation-rules/{rule_id}}: the rule.
 *   <li>{@code PUT /api/v1/evaluation-rules/{rule_id}}: replaces the rule with the body, which
 *       takes the fields and defaults of {@code POST}; 200 with the rule.
 *   <li>{@code DELETE /api/v1/evaluation-rules/{rule_id}}: 204.
 * </ul>
 *
 * A rule is {@code {"id", "name", "enabled", "filter": {"<parameter>": ["<value>", ...]},
 * "sampling_percent", "turn", "last_delay_seconds" (null unless turn last), "created_epoch_millis",
 * "updated_epoch_millis"}}. Thread-safe.
 */
final class EvaluationRuleService {
  static final String PATH = "/api/v1/evaluation-rules";
  static final long DEFAULT_LAST_DELAY_SECONDS = 300;
  static final long MAX_LAST_DELAY_SECONDS = 7 * 24 * 3600;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> FIELDS =
      List.of("name", "enabled", "filter", "sampling_percent", "turn", "last_delay_seconds");
  private static final String EXAMPLE =
      "{\"name\": \"failed checkouts\", \"filter\": {\"status\": \"ERROR\", \"tags\":"
          + " [\"checkout\"]}, \"sampling_percent\": 10, \"turn\": \"last\","
          + " \"last_delay_seconds\": 300}";

  private final Clock clock;
  private final ResourceRoutes<RuleDefinition, EvaluationRule> routes;

  EvaluationRuleService(TraceStore store, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.routes =
        new ResourceRoutes<>(
            PATH,
            "rule_id",
            "evaluation_rules",
            "evaluation rule",
            Objects.requireNonNull(store, "store").evaluationRules(),
            this::definition,
            EvaluationRuleService::json);
  }

  void addTo(ServerBuilder server) {
    routes.addTo(server);
  }

  /** The rule a POST or PUT body describes, with the defaults filled in. */
  private RuleDefinition definition(AggregatedHttpRequest request) {
    ObjectNode body = ApiBodies.object(request, FIELDS, EXAMPLE);
    String name = ApiBodies.text(body, "name", true, TraceCurationService.MAX_NAME_LENGTH);
    boolean enabled = ApiBodies.bool(body, "enabled", true);
    TraceSelection selection = ApiFilters.selection(body, clock.instant(), EXAMPLE);
    String turnName = ApiBodies.text(body, "turn", false, TraceCurationService.MAX_NAME_LENGTH);
    RuleTurn turn;
    try {
      turn = turnName == null ? RuleTurn.EVERY : RuleTurn.fromWireName(turnName);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "turn",
          "turn must be first, every or last, got '" + ApiRequests.abbreviate(turnName) + "'");
    }
    Long delaySeconds =
        ApiBodies.wholeNumber(body, "last_delay_seconds", 1, MAX_LAST_DELAY_SECONDS);
    if (turn != RuleTurn.LAST) {
      if (delaySeconds != null) {
        throw ApiException.badRequest(
            "last_delay_seconds",
            "last_delay_seconds applies to turn last only, not to turn " + turn.wireName());
      }
      return new RuleDefinition(name, enabled, selection, turn, 0);
    }
    long delay = delaySeconds == null ? DEFAULT_LAST_DELAY_SECONDS : delaySeconds;
    return new RuleDefinition(name, enabled, selection, turn, delay * 1000);
  }

  private static ObjectNode json(EvaluationRule rule) {
    RuleDefinition definition = rule.definition();
    ObjectNode json = NODES.objectNode();
    json.put("id", rule.id());
    json.put("name", definition.name());
    json.put("enabled", definition.enabled());
    ApiFilters.put(json, definition.selection());
    json.put("turn", definition.turn().wireName());
    if (definition.turn() == RuleTurn.LAST) {
      json.put("last_delay_seconds", definition.lastDelayMillis() / 1000);
    } else {
      json.putNull("last_delay_seconds");
    }
    json.put("created_epoch_millis", rule.createdEpochMillis());
    json.put("updated_epoch_millis", rule.updatedEpochMillis());
    return json;
  }
}

package dev.tracefold.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL expressions of {@code deploy/}: every target of the Grafana dashboard (with Grafana's
 * variables replaced by what they expand to) and every alerting rule. Stateless.
 */
final class DeployExpressions {
  static final String DASHBOARD = "deploy/grafana/dashboards/tracefold.json";
  static final String ALERTS = "deploy/prometheus/alerts.yml";

  /**
   * What Grafana's built-in variables stand for in the tests: a rate window of one minute covers
   * dozens of 1 s scrapes; dashboard variables expand to their "All" value.
   */
  private static final Map<String, String> BUILT_IN =
      Map.of("$__rate_interval", "1m", "$__interval", "15s", "$__range", "1h");

  /** {@code <query> <comparison> <number>} at the end of an alert expression. */
  private static final Pattern THRESHOLD =
      Pattern.compile("^(.*?)\\s*(==|!=|>=|<=|>|<)\\s*(-?[0-9.]+)\\s*$", Pattern.DOTALL);

  private DeployExpressions() {}

  /** One dashboard target: where it is and its expression with variables replaced. */
  record PanelQuery(String panel, String refId, String expr) {
    @Override
    public String toString() {
      return "panel '" + panel + "' target " + refId + ": " + expr;
    }
  }

  /** One alerting rule: its name, full expression, and the query left of its threshold. */
  record AlertRule(String name, String expr, String query) {}

  /** Every dashboard target, in panel order, rows' nested panels included. */
  static List<PanelQuery> dashboardQueries() {
    JsonNode dashboard = RepositoryFiles.json(DASHBOARD);
    Map<String, String> variables = new LinkedHashMap<>(BUILT_IN);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.has("allValue")) {
        variables.put("$" + variable.get("name").asText(), variable.get("allValue").asText());
        variables.put(
            "${" + variable.get("name").asText() + "}", variable.get("allValue").asText());
      }
    }
    List<PanelQuery> queries = new ArrayList<>();
    collect(dashboard.path("panels"), variables, queries);
    return queries;
  }

  private static void collect(
      JsonNode panels, Map<String, String> variables, List<PanelQuery> out) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        for (Map.Entry<String, String> variable : variables.entrySet()) {
          expr = expr.replace(variable.getKey(), variable.getValue());
        }
        out.add(new PanelQuery(panel.path("title").asText(), target.path("refId").asText(), expr));
      }
      collect(panel.path("panels"), variables, out);
    }
  }

  /** Every alerting rule of every group. */
  static List<AlertRule> alertRules() {
    List<AlertRule> rules = new ArrayList<>();
    for (JsonNode group : RepositoryFiles.yaml(ALERTS).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          String expr = rule.get("expr").asText().trim();
          Matcher threshold = THRESHOLD.matcher(expr);
          String query = threshold.matches() ? threshold.group(1) : expr;
          rules.add(new AlertRule(rule.get("alert").asText(), expr, query));
        }
      }
    }
    return rules;
  }
}

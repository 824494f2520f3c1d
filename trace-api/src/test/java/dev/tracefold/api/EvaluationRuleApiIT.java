package dev.tracefold.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracefold.api.ReadApiTestServer.Reply;
import dev.tracefold.store.query.TraceFilterParams;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluation rules over HTTP: round trips with defaults, every 400, paging, project isolation. */
class EvaluationRuleApiIT {
  private static final String PATH = "/api/v1/evaluation-rules";

  @TempDir static Path dataDir;

  private static ReadApiTestServer api;

  @BeforeAll
  static void start() {
    api = ReadApiTestServer.start(dataDir, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void createsARuleWithTheDefaultsAndReadsItBack() {
    String project = "rules-defaults";

    Reply created = api.send("POST", PATH, project, "{\"name\": \"  every trace \"}");

    assertThat(created.status()).isEqualTo(201);
    JsonNode rule = created.json();
    assertThat(rule.get("id").asText()).hasSize(36);
    assertThat(rule.get("name").asText()).isEqualTo("every trace");
    assertThat(rule.get("enabled").asBoolean()).isTrue();
    assertThat(rule.get("filter").toString()).isEqualTo("{}");
    assertThat(rule.get("sampling_percent").asDouble()).isEqualTo(100.0);
    assertThat(rule.get("turn").asText()).isEqualTo("every");
    assertThat(rule.get("last_delay_seconds").isNull()).isTrue();
    assertThat(rule.get("created_epoch_millis").asLong())
        .isPositive()
        .isEqualTo(rule.get("updated_epoch_millis").asLong());
    assertThat(fieldNames(rule))
        .containsExactly(
            "id",
            "name",
            "enabled",
            "filter",
            "sampling_percent",
            "turn",
            "last_delay_seconds",
            "created_epoch_millis",
            "updated_epoch_millis");

    Reply read = api.get(PATH + "/" + rule.get("id").asText(), project);

    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(rule);
    assertThat(api.get(PATH, project).json().get("evaluation_rules")).containsExactly(rule);
  }

  @Test
  void createsARuleWithEveryField() {
    Reply created =
        api.send(
            "POST",
            PATH,
            "rules-full",
            "{\"name\": \"failed checkouts\", \"enabled\": false, \"filter\": {\"status\":"
                + " \"ERROR\", \"tags\": [\"checkout\", \"eu\"], \"min_span_count\": 2,"
                + " \"time_range\": \"24h\", \"metadata.plan\": \"pro\"}, \"sampling_percent\":"
                + " 12.5, \"turn\": \"last\", \"last_delay_seconds\": 60}");

    assertThat(created.status()).isEqualTo(201);
    JsonNode rule = created.json();
    assertThat(rule.get("enabled").asBoolean()).isFalse();
    assertThat(rule.get("filter").toString())
        .isEqualTo(
            "{\"metadata.plan\":[\"pro\"],\"min_span_count\":[\"2\"],\"status\":[\"ERROR\"],"
                + "\"tags\":[\"checkout\",\"eu\"],\"time_range\":[\"24h\"]}");
    assertThat(rule.get("sampling_percent").asDouble()).isEqualTo(12.5);
    assertThat(rule.get("turn").asText()).isEqualTo("last");
    assertThat(rule.get("last_delay_seconds").asLong()).isEqualTo(60);
  }

  @Test
  void turnLastWaitsFiveMinutesByDefaultAndTurnFirstTakesNoDelay() {
    Reply last = api.send("POST", PATH, "rules-turns", "{\"name\": \"l\", \"turn\": \"last\"}");
    Reply first = api.send("POST", PATH, "rules-turns", "{\"name\": \"f\", \"turn\": \"first\"}");

    assertThat(last.json().get("last_delay_seconds").asLong()).isEqualTo(300);
    assertThat(first.json().get("turn").asText()).isEqualTo("first");
    assertThat(first.json().get("last_delay_seconds").isNull()).isTrue();
  }

  @Test
  void putReplacesTheWholeRuleWithTheDefaultsOfPost() {
    String project = "rules-put";
    JsonNode rule =
        api.send(
                "POST",
                PATH,
                project,
                "{\"name\": \"a\", \"enabled\": false, \"filter\": {\"status\": \"ERROR\"},"
                    + " \"sampling_percent\": 5, \"turn\": \"last\", \"last_delay_seconds\": 30}")
            .json();
    String path = PATH + "/" + rule.get("id").asText();

    Reply replaced = api.send("PUT", path, project, "{\"name\": \"b\"}");

    assertThat(replaced.status()).isEqualTo(200);
    JsonNode updated = replaced.json();
    assertThat(updated.get("id")).isEqualTo(rule.get("id"));
    assertThat(updated.get("name").asText()).isEqualTo("b");
    assertThat(updated.get("enabled").asBoolean()).isTrue();
    assertThat(updated.get("filter").toString()).isEqualTo("{}");
    assertThat(updated.get("sampling_percent").asDouble()).isEqualTo(100.0);
    assertThat(updated.get("turn").asText()).isEqualTo("every");
    assertThat(updated.get("last_delay_seconds").isNull()).isTrue();
    assertThat(updated.get("created_epoch_millis")).isEqualTo(rule.get("created_epoch_millis"));
    assertThat(updated.get("updated_epoch_millis").asLong())
        .isGreaterThanOrEqualTo(rule.get("updated_epoch_millis").asLong());
    assertThat(api.get(path, project).json()).isEqualTo(updated);

    Reply missing = api.send("PUT", PATH + "/no-such-rule", project, "{\"name\": \"b\"}");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("error").asText())
        .isEqualTo("evaluation rule no-such-rule not found in project rules-put");
    assertBadRequest(
        api.send("PUT", path, project, "{\"name\": \"b\", \"turn\": \"sometimes\"}"),
        "turn",
        "turn must be first, every or last, got 'sometimes'");
  }

  @Test
  void deletesARule() {
    String project = "rules-delete";
    String path =
        PATH + "/" + api.send("POST", PATH, project, "{\"name\": \"a\"}").json().get("id").asText();

    Reply deleted = api.send("DELETE", path, project, null);

    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.json()).isNull();
    assertThat(api.get(path, project).status()).isEqualTo(404);
    assertThat(api.send("DELETE", path, project, null).status()).isEqualTo(404);
    assertThat(api.get(PATH, project).json().get("evaluation_rules")).isEmpty();
  }

  @Test
  void anotherProjectsRuleIsNotFound() {
    String id = api.send("POST", PATH, "rules-mine", "{\"name\": \"a\"}").json().get("id").asText();
    String path = PATH + "/" + id;

    Reply read = api.get(path, "rules-theirs");

    assertThat(read.status()).isEqualTo(404);
    assertThat(read.json().get("error").asText())
        .isEqualTo("evaluation rule " + id + " not found in project rules-theirs");
    assertThat(api.send("PUT", path, "rules-theirs", "{\"name\": \"b\"}").status()).isEqualTo(404);
    assertThat(api.send("DELETE", path, "rules-theirs", null).status()).isEqualTo(404);
    assertThat(api.get(PATH, "rules-theirs").json().get("evaluation_rules")).isEmpty();
    assertThat(api.get(path, "rules-mine").json().get("name").asText()).isEqualTo("a");
  }

  @Test
  void listsRulesInPages() {
    String project = "rules-pages";
    List<String> ids = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      ids.add(
          api.send("POST", PATH, project, "{\"name\": \"rule " + n + "\"}")
              .json()
              .get("id")
              .asText());
    }

    JsonNode first = api.get(PATH + "?page_size=2", project).json();
    JsonNode second = api.get(PATH + "?page_size=2&page=2", project).json();

    assertThat(first.get("count").asInt()).isEqualTo(2);
    assertThat(first.get("page").asInt()).isEqualTo(1);
    assertThat(first.get("page_size").asInt()).isEqualTo(2);
    assertThat(first.get("has_more").asBoolean()).isTrue();
    assertThat(second.get("count").asInt()).isEqualTo(1);
    assertThat(second.get("page").asInt()).isEqualTo(2);
    assertThat(second.get("has_more").asBoolean()).isFalse();
    List<String> listed = new ArrayList<>();
    first.get("evaluation_rules").forEach(rule -> listed.add(rule.get("id").asText()));
    second.get("evaluation_rules").forEach(rule -> listed.add(rule.get("id").asText()));
    assertThat(listed).containsExactlyInAnyOrderElementsOf(ids);
    JsonNode all = api.get(PATH, project).json();
    assertThat(all.get("page_size").asInt()).isEqualTo(100);
    assertThat(all.get("count").asInt()).isEqualTo(3);
    assertBadRequest(
        api.get(PATH + "?page=0", project), "page", "page must be an integer >= 1, got '0'");
  }

  @Test
  void rejectsMalformedRules() {
    assertBadRequest(post("{\"enabled\": true}"), "name", "name is required");
    assertBadRequest(post("{\"name\": \"  \"}"), "name", "name must not be empty");
    assertBadRequest(
        post("{\"name\": \"x\", \"colour\": \"red\"}"),
        "colour",
        "unknown field 'colour'; known fields: name, enabled, filter, sampling_percent, turn,"
            + " last_delay_seconds");
    assertBadRequest(
        post("{\"name\": \"x\", \"enabled\": \"yes\"}"),
        "enabled",
        "enabled must be true or false, got \"yes\"");
    assertBadRequest(
        post("{\"name\": \"x\", \"filter\": {\"status\": \"BROKEN\"}}"),
        "filter.status",
        "status must be UNSET, OK or ERROR, got 'BROKEN'");
    assertBadRequest(
        post("{\"name\": \"x\", \"filter\": {\"page\": 2}}"),
        "filter.page",
        "unknown parameter 'page'; the filters are "
            + String.join(", ", TraceFilterParams.PARAMETERS)
            + " and metadata.<key>");
    assertBadRequest(
        post("{\"name\": \"x\", \"filter\": {\"status\": [{}]}}"),
        "filter.status",
        "filter.status must be a string, a number, a boolean or an array of them");
    assertThat(post("{\"name\": \"x\", \"filter\": [\"status\"]}").json().get("parameter").asText())
        .isEqualTo("filter");
    assertBadRequest(
        post("{\"name\": \"x\", \"sampling_percent\": 101}"),
        "sampling_percent",
        "sampling_percent must be a number from 0 to 100, got 101");
    assertBadRequest(
        post("{\"name\": \"x\", \"sampling_percent\": -1}"),
        "sampling_percent",
        "sampling_percent must be a number from 0 to 100, got -1");
    assertBadRequest(
        post("{\"name\": \"x\", \"sampling_percent\": \"50\"}"),
        "sampling_percent",
        "sampling_percent must be a number from 0 to 100, got \"50\"");
    assertBadRequest(
        post("{\"name\": \"x\", \"turn\": \"sometimes\"}"),
        "turn",
        "turn must be first, every or last, got 'sometimes'");
    assertBadRequest(
        post("{\"name\": \"x\", \"turn\": \"every\", \"last_delay_seconds\": 60}"),
        "last_delay_seconds",
        "last_delay_seconds applies to turn last only, not to turn every");
    assertBadRequest(
        post("{\"name\": \"x\", \"last_delay_seconds\": 60}"),
        "last_delay_seconds",
        "last_delay_seconds applies to turn last only, not to turn every");
    assertBadRequest(
        post("{\"name\": \"x\", \"turn\": \"last\", \"last_delay_seconds\": 0}"),
        "last_delay_seconds",
        "last_delay_seconds must be a whole number between 1 and 604800, got 0");
    assertBadRequest(
        post("{\"name\": \"x\", \"turn\": \"last\", \"last_delay_seconds\": 1.5}"),
        "last_delay_seconds",
        "last_delay_seconds must be a whole number between 1 and 604800, got 1.5");
    assertBadRequest(
        api.send("POST", PATH + "?dry_run=1", "rules-bad", "{\"name\": \"x\"}"),
        "dry_run",
        "unknown parameter 'dry_run'; this endpoint takes no parameters");
    assertThat(post("not json").json().get("parameter").asText()).isEqualTo("body");
    assertThat(api.get(PATH, "rules-bad").json().get("evaluation_rules")).isEmpty();
  }

  @Test
  void acceptsEdgeSamplingAndKeepsTextWithNul() {
    Reply none =
        api.send("POST", PATH, "rules-edges", "{\"name\": \"x\", \"sampling_percent\": 0}");
    Reply fraction =
        api.send("POST", PATH, "rules-edges", "{\"name\": \"x\", \"sampling_percent\": 0.01}");
    Reply nul =
        api.send(
            "POST",
            PATH,
            "rules-edges",
            "{\"name\": \"x\", \"filter\": {\"name\": \"a\\u0000b\"}}");

    assertThat(none.status()).isEqualTo(201);
    assertThat(none.json().get("sampling_percent").asDouble()).isZero();
    assertThat(fraction.json().get("sampling_percent").asDouble()).isEqualTo(0.01);
    assertThat(nul.status()).isEqualTo(201);
    // PostgreSQL cannot store NUL: it becomes U+FFFD, as everywhere in the store
    assertThat(nul.json().get("filter").get("name").get(0).asText()).isEqualTo("a\uFFFDb");
  }

  @Test
  void everyRouteNeedsAnApiKey() {
    for (String[] route :
        List.of(
            new String[] {"POST", PATH},
            new String[] {"GET", PATH},
            new String[] {"GET", PATH + "/x"},
            new String[] {"PUT", PATH + "/x"},
            new String[] {"DELETE", PATH + "/x"})) {
      String body = route[0].equals("POST") || route[0].equals("PUT") ? "{\"name\": \"x\"}" : null;
      Reply reply = api.sendWithKey(route[0], route[1], null, body);
      assertThat(reply.status()).as("%s %s", route[0], route[1]).isEqualTo(401);
    }
  }

  private static Reply post(String body) {
    return api.send("POST", PATH, "rules-bad", body);
  }

  private static void assertBadRequest(Reply reply, String parameter, String message) {
    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(400);
    assertThat(reply.json().get("parameter").asText()).isEqualTo(parameter);
    assertThat(reply.json().get("error").asText()).isEqualTo(message);
  }

  private static List<String> fieldNames(JsonNode json) {
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }
}

package dev.tracefold.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefold.examples.EvaluatorSettings;
import dev.tracefold.examples.TriggerEvaluator;
import dev.tracefold.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example evaluator (module {@code examples}) against a standalone pipeline: a rule created
 * through the API fires for an error trace, which is pending a score until the evaluator scores it
 * once (passed false, with the trigger id); the score lists, filters and queues the trace through
 * the API, and neither a second evaluator replaying the whole trigger topic nor a repeated POST
 * adds a score.
 */
class TriggerEvaluatorIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir static Path dataDir;
  private static StandalonePipeline pipeline;

  @BeforeAll
  static void startPipeline() {
    // the quiet window, not the document, completes the traces: the rule created just before them
    // applies within the sink's rules refresh interval (2 s), which a document's immediate
    // completion could beat
    pipeline =
        StandalonePipeline.start(
            com.typesafe.config.ConfigFactory.parseMap(
                    java.util.Map.of(
                        "tracefold.completion.quiet-window-only-projects",
                        java.util.List.of("default")))
                .withFallback(TestConfigs.ephemeral(dataDir, "2s")));
  }

  @AfterAll
  static void stopPipeline() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void scoresEachTriggeredTraceOnceAlsoWhenTheTopicIsReplayed() throws Exception {
    JsonNode rule =
        send(
            "POST",
            "/api/v1/evaluation-rules",
            "{\"name\": \"errors\", \"filter\": {\"status\":" + " \"ERROR\"}}",
            201);
    JsonNode queue =
        send(
            "POST",
            "/api/v1/annotation-queues",
            "{\"name\": \"failed evaluations\","
                + " \"filter\": {\"evaluator\": \"example-evaluator\", \"passed\": false}}",
            201);
    JsonNode ingested =
        send(
            "POST",
            "/api/v1/traces",
            "[{\"id\": \"order-1\", \"name\": \"checkout\", \"error\": \"payment declined\","
                + " \"spans\": [{\"name\": \"charge card\", \"kind\": \"tool\","
                + " \"error\": \"declined\"}]},"
                + " {\"id\": \"order-2\", \"name\": \"checkout\", \"spans\": [{\"name\": \"chat\","
                + " \"kind\": \"llm\", \"model\": \"gpt-4o\", \"input_tokens\": 10,"
                + " \"output_tokens\": 5}]}]",
            200);
    String failed = ingested.get("trace_ids").get(0).asText();
    String ok = ingested.get("trace_ids").get(1).asText();

    // the trigger fired and no evaluator answered it yet: pending
    JsonNode triggered =
        await()
            .atMost(WAIT)
            .ignoreExceptions()
            .until(() -> trace(failed), t -> t.get("fired_triggers").size() > 0);
    String triggerId = triggered.get("fired_triggers").get(0).get("trigger_id").asText();
    assertThat(triggered.get("fired_triggers").get(0).get("score_pending").asBoolean()).isTrue();
    assertThat(ids("score_pending=true")).containsExactly(failed);
    assertThat(triggered.get("scores")).isEmpty();

    try (TriggerEvaluator evaluator = startEvaluator("evaluator-1", rule.get("id").asText())) {
      JsonNode scored =
          await()
              .atMost(WAIT)
              .ignoreExceptions()
              .until(() -> trace(failed), t -> t.get("scores").size() > 0);
      JsonNode score = scored.get("scores").get(0);
      assertThat(score.get("evaluator").asText()).isEqualTo("example-evaluator");
      assertThat(score.get("evaluator_version").asText()).isEqualTo("1");
      assertThat(score.get("trigger_id").asText()).isEqualTo(triggerId);
      assertThat(score.get("rule_id").asText()).isEqualTo(rule.get("id").asText());
      assertThat(score.get("revision").asInt()).isEqualTo(1);
      assertThat(score.get("passed").asBoolean()).isFalse();
      assertThat(score.get("value").asDouble()).isZero();
      assertThat(score.get("label").asText()).isEqualTo("failed");
      assertThat(score.get("source").asText()).isEqualTo("evaluation");
      assertThat(scored.get("scores_failed").asInt()).isEqualTo(1);
      assertThat(scored.get("fired_triggers").get(0).get("score_pending").asBoolean()).isFalse();
      assertThat(ids("evaluator=example-evaluator&passed=false")).containsExactly(failed);
      assertThat(ids("score_pending=true")).isEmpty();
      // the queue of failed evaluations took the trace when its score arrived
      JsonNode items =
          send(
              "GET", "/api/v1/annotation-queues/" + queue.get("id").asText() + "/items", null, 200);
      assertThat(items.get("items")).hasSize(1);
      assertThat(items.get("items").get(0).get("trace_id").asText()).isEqualTo(failed);
      // the OK trace matched no rule: no trigger, no score
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> trace(ok).get("state").asText().equals("complete"));
      assertThat(trace(ok).get("fired_triggers")).isEmpty();
      assertThat(trace(ok).get("scores")).isEmpty();
    }

    // a new group reads every trigger again; the score already there is recognised
    try (TriggerEvaluator replay = startEvaluator("evaluator-2", rule.get("id").asText())) {
      await().atMost(WAIT).until(() -> caughtUp("evaluator-2"));
    }
    JsonNode after = trace(failed);
    assertThat(after.get("scores")).hasSize(1);
    assertThat(after.get("scores_count").asInt()).isEqualTo(1);
    // an evaluator that posts its verdict again gets the first score back: nothing is added
    JsonNode again =
        send(
            "POST",
            "/api/v1/traces/" + failed + "/scores",
            "{\"evaluator\": \"example-evaluator\", \"trigger_id\": \""
                + triggerId
                + "\","
                + " \"passed\": true, \"value\": 1}",
            200);
    assertThat(again).isEqualTo(after.get("scores").get(0));
    assertThat(trace(failed).get("scores")).hasSize(1);
  }

  private static TriggerEvaluator startEvaluator(String group, String ruleId) {
    TriggerEvaluator evaluator =
        new TriggerEvaluator(
            new EvaluatorSettings(
                pipeline.kafkaBootstrapServers(),
                group,
                URI.create("http://localhost:" + pipeline.apiPort()),
                pipeline.developmentApiKey().orElseThrow(),
                List.of(ruleId),
                "example-evaluator",
                "1",
                1_000_000,
                30_000_000_000L));
    Thread thread = new Thread(evaluator, group);
    thread.start();
    return evaluator;
  }

  /** Whether the group committed the end of every partition of the trigger topic. */
  private static boolean caughtUp(String group) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafkaBootstrapServers()))) {
      String topic = Topics.EVALUATION_TRIGGERS.name();
      int partitions =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      for (int p = 0; p < partitions; p++) {
        TopicPartition partition = new TopicPartition(topic, p);
        long end =
            admin
                .listOffsets(Map.of(partition, OffsetSpec.latest()))
                .all()
                .get()
                .get(partition)
                .offset();
        OffsetAndMetadata offset = committed.get(partition);
        if (end > 0 && (offset == null || offset.offset() < end)) {
          return false;
        }
      }
      return true;
    }
  }

  private static List<String> ids(String query) throws Exception {
    List<String> ids = new ArrayList<>();
    send("GET", "/api/v1/traces?" + query, null, 200)
        .get("traces")
        .forEach(t -> ids.add(t.get("id").asText()));
    return ids;
  }

  private static JsonNode trace(String id) throws Exception {
    return send("GET", "/api/v1/traces/" + id, null, 200);
  }

  private static JsonNode send(String method, String path, String body, int expectedStatus)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + pipeline.apiPort() + path))
            .header("Authorization", "Bearer " + pipeline.developmentApiKey().orElseThrow());
    if (body == null) {
      request.GET();
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isEqualTo(expectedStatus);
    return JSON.readTree(response.body());
  }
}

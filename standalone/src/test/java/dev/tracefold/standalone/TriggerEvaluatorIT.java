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
 * The example evaluator (module {@code examples}) against a standalone pipeline: a rule created through the API fires for
 * an error trace, the evaluator annotates it once, and a second evaluator replaying the whole
 * trigger topic annotates nothing again.
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
    pipeline = StandalonePipeline.start(
        com.typesafe.config.ConfigFactory.parseMap(
                java.util.Map.of("tracefold.completion.quiet-window-only-projects", java.util.List.of("default")))
            .withFallback(TestConfigs.ephemeral(dataDir, "2s")));
  }

  @AfterAll
  static void stopPipeline() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void annotatesEachTriggeredTraceOnceAlsoWhenTheTopicIsReplayed() throws Exception {
    JsonNode rule =
        send("POST", "/api/v1/evaluation-rules", "{\"name\": \"errors\", \"filter\": {\"status\":"
            + " \"ERROR\"}}", 201);
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

    try (TriggerEvaluator evaluator = startEvaluator("evaluator-1", rule.get("id").asText())) {
      JsonNode annotated =
          await()
              .atMost(WAIT)
              .ignoreExceptions()
              .until(() -> trace(failed), t -> t.get("annotations").size() > 0);
      JsonNode annotation = annotated.get("annotations").get(0);
      assertThat(annotation.get("author").asText()).isEqualTo("example-evaluator");
      assertThat(annotation.get("label").asText()).isEqualTo("failed");
      assertThat(annotation.get("score").asDouble()).isZero();
      assertThat(annotation.get("text").asText())
          .contains(annotated.get("fired_triggers").get(0).get("trigger_id").asText());
      // the OK trace matched no rule: no trigger, no annotation
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> trace(ok).get("state").asText().equals("complete"));
      assertThat(trace(ok).get("fired_triggers")).isEmpty();
      assertThat(trace(ok).get("annotations")).isEmpty();
    }

    // a new group reads every trigger again; the annotation already there is recognised
    try (TriggerEvaluator replay = startEvaluator("evaluator-2", rule.get("id").asText())) {
      await().atMost(WAIT).until(() -> caughtUp("evaluator-2"));
    }
    assertThat(trace(failed).get("annotations")).hasSize(1);
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
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafkaBootstrapServers()))) {
      String topic = Topics.EVALUATION_TRIGGERS.name();
      int partitions =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      for (int p = 0; p < partitions; p++) {
        TopicPartition partition = new TopicPartition(topic, p);
        long end =
            admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition)
                .offset();
        OffsetAndMetadata offset = committed.get(partition);
        if (end > 0 && (offset == null || offset.offset() < end)) {
          return false;
        }
      }
      return true;
    }
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
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body())
        .isEqualTo(expectedStatus);
    return JSON.readTree(response.body());
  }
}

package dev.tracefold.service;

import dev.tracefold.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Tracefold's topics if they do not exist yet. Every service calls it at start-up, so any
 * one of them can start first.
 *
 * <p>{@code tracefold.traces.completed} gets {@code max.message.bytes} = {@link
 * KafkaSettings#completedMaxMessageBytes()}; every topic uses zstd compression. {@code
 * tracefold.spans} gets {@code message.timestamp.type=LogAppendTime}: a span's record timestamp is
 * when Kafka accepted it, its ingest time, on which the completion stream measures quiet windows
 * (docs/decisions.md, "Completion on ingest time"). An existing {@code tracefold.spans} with
 * another timestamp type is switched to it (logged); nothing else of an existing topic is changed.
 */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  private static final String LOG_APPEND_TIME = "LogAppendTime";

  private TopicProvisioner() {}

  /**
   * Ensures {@code tracefold.spans}, {@code tracefold.traces.completed}, {@code
   * tracefold.evaluation.triggers} and {@code tracefold.spans.dlq} exist.
   *
   * @throws IllegalStateException if Kafka cannot be reached or refuses, within 60 s
   */
  public static void ensureTopics(KafkaSettings settings) {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (NewTopic topic : wanted(settings)) {
        if (!existing.contains(topic.name())) {
          missing.add(topic);
        }
      }
      if (existing.contains(Topics.SPANS.name())) {
        ensureLogAppendTime(admin);
      }
      if (missing.isEmpty()) {
        return;
      }
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(60, TimeUnit.SECONDS);
          log.info("Created topic {}", entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Cannot create Tracefold topics on " + settings.bootstrapServers() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    }
  }

  private static void ensureLogAppendTime(Admin admin)
      throws InterruptedException, ExecutionException, TimeoutException {
    ConfigResource spans = new ConfigResource(ConfigResource.Type.TOPIC, Topics.SPANS.name());
    Config config =
        admin.describeConfigs(List.of(spans)).all().get(60, TimeUnit.SECONDS).get(spans);
    ConfigEntry type = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
    if (type != null && LOG_APPEND_TIME.equals(type.value())) {
      return;
    }
    AlterConfigOp set =
        new AlterConfigOp(
            new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME),
            AlterConfigOp.OpType.SET);
    admin.incrementalAlterConfigs(Map.of(spans, List.of(set))).all().get(60, TimeUnit.SECONDS);
    log.info(
        "Set {}={} on the existing topic {} (was {}): quiet windows are measured on ingest time",
        TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
        LOG_APPEND_TIME,
        Topics.SPANS.name(),
        type == null ? "unset" : type.value());
  }

  private static List<NewTopic> wanted(KafkaSettings settings) {
    Map<String, String> common = Map.of(TopicConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    Map<String, String> spans =
        Map.of(
            TopicConfig.COMPRESSION_TYPE_CONFIG,
            "zstd",
            TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
            LOG_APPEND_TIME);
    Map<String, String> completed =
        Map.of(
            TopicConfig.COMPRESSION_TYPE_CONFIG,
            "zstd",
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            Integer.toString(settings.completedMaxMessageBytes()));
    return List.of(
        topic(Topics.SPANS.name(), settings, spans),
        topic(Topics.COMPLETED_TRACES.name(), settings, completed),
        topic(Topics.EVALUATION_TRIGGERS.name(), settings, common),
        topic(Topics.SPANS_DLQ.name(), settings, common));
  }

  private static NewTopic topic(String name, KafkaSettings settings, Map<String, String> configs) {
    return new NewTopic(name, settings.partitions(), settings.replicationFactor()).configs(configs);
  }
}

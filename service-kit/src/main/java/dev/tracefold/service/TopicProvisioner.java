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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Tracefold's topics if they do not exist yet; existing topics are left as they are.
 * Every service calls it at start-up, so any one of them can start first.
 *
 * <p>{@code tracefold.traces.completed} gets {@code max.message.bytes} = {@link
 * KafkaSettings#completedMaxMessageBytes()}; every topic uses zstd compression.
 */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  private TopicProvisioner() {}

  /**
   * Ensures {@code tracefold.spans}, {@code tracefold.traces.completed}, {@code
   * tracefold.evaluation.triggers} and {@code tracefold.spans.dlq} exist.
   *
   * @throws IllegalStateException if Kafka cannot be reached or refuses, within 60 s
   */
  public static void ensureTopics(KafkaSettings settings) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (NewTopic topic : wanted(settings)) {
        if (!existing.contains(topic.name())) {
          missing.add(topic);
        }
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

  private static List<NewTopic> wanted(KafkaSettings settings) {
    Map<String, String> common = Map.of(TopicConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    Map<String, String> completed =
        Map.of(
            TopicConfig.COMPRESSION_TYPE_CONFIG, "zstd",
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(settings.completedMaxMessageBytes()));
    return List.of(
        topic(Topics.SPANS.name(), settings, common),
        topic(Topics.COMPLETED_TRACES.name(), settings, completed),
        topic(Topics.EVALUATION_TRIGGERS.name(), settings, common),
        topic(Topics.SPANS_DLQ.name(), settings, common));
  }

  private static NewTopic topic(String name, KafkaSettings settings, Map<String, String> configs) {
    return new NewTopic(name, settings.partitions(), settings.replicationFactor()).configs(configs);
  }
}

package dev.tracefold.service;

import com.typesafe.config.Config;
import java.util.Objects;

/**
 * Kafka settings every service shares ({@code tracefold.kafka.*}). Immutable.
 *
 * @param bootstrapServers comma-separated host:port list
 * @param partitions partitions of each topic a service creates
 * @param replicationFactor replication factor of each topic a service creates
 * @param completedMaxMessageBytes {@code max.message.bytes} of {@code tracefold.traces.completed}
 */
public record KafkaSettings(
    String bootstrapServers,
    int partitions,
    short replicationFactor,
    int completedMaxMessageBytes) {
  public KafkaSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "tracefold.kafka.partitions must be >= 1, was " + partitions);
    }
  }

  /** Reads {@code tracefold.kafka.*}. */
  public static KafkaSettings from(Config config) {
    Config kafka = config.getConfig("tracefold.kafka");
    return new KafkaSettings(
        kafka.getString("bootstrap-servers"),
        kafka.getInt("partitions"),
        (short) kafka.getInt("replication-factor"),
        kafka.getInt("completed-max-message-bytes"));
  }

  /** The same settings with other bootstrap servers (e.g. the embedded broker's). */
  public KafkaSettings withBootstrapServers(String servers) {
    return new KafkaSettings(servers, partitions, replicationFactor, completedMaxMessageBytes);
  }
}

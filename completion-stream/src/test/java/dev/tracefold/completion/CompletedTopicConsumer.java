package dev.tracefold.completion;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.topic.Topics;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** A read_committed consumer of {@code tracefold.traces.completed}, as evaluators read it. */
final class CompletedTopicConsumer {
  private CompletedTopicConsumer() {}

  /**
   * A consumer in a new group, from the earliest offset, subscribed to the completed-trace topic.
   *
   * @param bootstrapServers the broker
   * @param groupPrefix the group id's prefix (a random UUID follows)
   */
  static KafkaConsumer<String, CompletedTrace> subscribed(
      String bootstrapServers, String groupPrefix) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, CompletedTrace> consumer =
        new KafkaConsumer<>(
            props,
            Topics.COMPLETED_TRACES.keySerde().deserializer(),
            Topics.COMPLETED_TRACES.valueSerde().deserializer());
    consumer.subscribe(List.of(Topics.COMPLETED_TRACES.name()));
    return consumer;
  }
}

package dev.tracefold.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracefold.embedded.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KafkaLagMonitor} against a real in-process KRaft broker. */
class KafkaLagMonitorIT {
  private static final Duration INTERVAL = Duration.ofMillis(200);
  @TempDir Path dataDir;

  @Test
  void publishesCommittedLagPerGroupAndTopicAndReportsKafkaDownAfterTheBrokerStops()
      throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build();
    broker.start();
    try (broker) {
      KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), 2, (short) 1, 1 << 20);
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("lagged", 2, (short) 1))).all().get();
        produce(broker, "lagged", 0, 7);
        produce(broker, "lagged", 1, 5);
        // the group has read 3 records of partition 0 and none of partition 1 yet
        admin
            .alterConsumerGroupOffsets(
                "readers",
                Map.of(
                    new TopicPartition("lagged", 0), new OffsetAndMetadata(3),
                    new TopicPartition("lagged", 1), new OffsetAndMetadata(0)))
            .all()
            .get();
      }
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (KafkaLagMonitor monitor =
          KafkaLagMonitor.start(kafka, List.of("readers", "never-committed"), registry, INTERVAL)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> monitor.lag("readers", "lagged").isPresent());
        assertThat(monitor.lag("readers", "lagged")).isEqualTo(OptionalLong.of(4 + 5));
        assertThat(
                registry
                    .get("tracefold.consumer.lag")
                    .tag("group", "readers")
                    .tag("topic", "lagged")
                    .gauge()
                    .value())
            .isEqualTo(9.0);
        assertThat(monitor.lag("never-committed", "lagged")).isEmpty();
        HealthCheck.Result up = monitor.healthCheck().check();
        assertThat(up.healthy()).isTrue();
        assertThat(up.detail()).startsWith("1 broker(s) answered at ");

        broker.close();
        // first stale (the probe in flight waits up to 5 s), then the probe's own error
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    monitor.healthCheck().check().detail().startsWith("Kafka did not answer at "));
        assertThat(monitor.healthCheck().check().healthy()).isFalse();
      }
    }
  }

  private static void produce(EmbeddedKafkaBroker broker, String topic, int partition, int count)
      throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, partition, "k", "v" + i)).get();
      }
    }
  }
}

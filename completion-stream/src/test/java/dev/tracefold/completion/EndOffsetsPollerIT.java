package dev.tracefold.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracefold.embedded.EmbeddedKafkaBroker;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-offset readings that let caught-up stream tasks follow the wall clock, on a real broker.
 */
class EndOffsetsPollerIT {
  @TempDir static Path brokerDir;
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().dataDir(brokerDir).build();
    broker.start();
    TopicProvisioner.ensureTopics(
        new KafkaSettings(broker.bootstrapServers(), 2, (short) 1, 8 << 20));
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void aPositionAtTheEndOffsetIsCaughtUpAtTheLatestReadingAndOneBehindIsNot() throws Exception {
    try (EndOffsetsPoller poller =
        new EndOffsetsPoller(
            Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers())),
            "poller-it",
            Duration.ofMillis(50))) {
      long beforeRecords = System.currentTimeMillis();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> poller.caughtUpAtMillis(0, 0) >= beforeRecords);
      assertThat(poller.caughtUpAtMillis(0, -1))
          .as("no position and nothing committed")
          .isEqualTo(Long.MIN_VALUE);

      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < 3; i++) {
          producer.send(new ProducerRecord<>(Topics.SPANS.name(), 0, null, new byte[] {1})).get();
        }
      }
      long afterRecords = System.currentTimeMillis();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> poller.caughtUpAtMillis(0, 3) >= afterRecords);
      long stuck = poller.caughtUpAtMillis(0, 2);
      assertThat(stuck)
          .as("a task two records in has not seen the third")
          .isLessThan(afterRecords)
          .isGreaterThanOrEqualTo(beforeRecords);
      Thread.sleep(300); // more readings: the task that is behind stays where it was
      assertThat(poller.caughtUpAtMillis(0, 2)).isLessThanOrEqualTo(stuck);
    }
  }
}

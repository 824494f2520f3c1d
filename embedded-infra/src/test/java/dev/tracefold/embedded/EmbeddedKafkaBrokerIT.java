package dev.tracefold.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {
  private static final String TOPIC = "it.records";
  private static final String TX_TOPIC = "it.transactional";
  private static final String BIG_TOPIC = "it.big";
  private static final String GROUP = "it-group";

  @TempDir Path dataDir;

  @Test
  void producesConsumesTransactsAndKeepsDataAcrossRestartOnSamePort() throws Exception {
    EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDir(dataDir).build();
    first.start();
    int port = first.port();
    String clusterId = first.clusterId();
    assertThat(first.bootstrapServers()).isEqualTo("localhost:" + port);

    try (Admin admin = admin(first)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(TOPIC, 1, (short) 1),
                  new NewTopic(TX_TOPIC, 1, (short) 1),
                  new NewTopic(BIG_TOPIC, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }

    List<String> values = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      values.add("value-" + i);
    }
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                first.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(TOPIC, "key", value)).get(30, TimeUnit.SECONDS);
      }
    }

    // The transaction coordinator needs __transaction_state with RF 1 / min ISR 1.
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                first.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "it-tx-" + UUID.randomUUID(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                30_000),
            new StringSerializer(),
            new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TX_TOPIC, "k", "committed-1"));
      producer.send(new ProducerRecord<>(TX_TOPIC, "k", "committed-2"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TX_TOPIC, "k", "aborted"));
      producer.flush();
      producer.abortTransaction();
    }

    // message.max.bytes defaults to 16 MiB: a 12 MiB record goes through.
    byte[] big = new byte[12 * 1024 * 1024];
    Arrays.fill(big, (byte) 'x');
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 32 * 1024 * 1024),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(BIG_TOPIC, big)).get(30, TimeUnit.SECONDS);
    }

    assertThat(consume(first, TOPIC, values.size(), GROUP)).containsExactlyElementsOf(values);
    assertThat(consume(first, TX_TOPIC, 2, null)).containsExactly("committed-1", "committed-2");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerProps(first, null), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(new TopicPartition(BIG_TOPIC, 0)));
      consumer.seekToBeginning(consumer.assignment());
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (records.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertThat(records).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(big));
    }

    first.close();
    first.close();
    assertThatThrownBy(first::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("build a new instance");

    EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDir(dataDir).port(port).build();
    try {
      second.start();
      assertThat(second.port()).isEqualTo(port);
      assertThat(second.clusterId()).isEqualTo(clusterId);

      // Another broker on the same data directory is refused while this one runs.
      EmbeddedKafkaBroker intruder = EmbeddedKafkaBroker.builder().dataDir(dataDir).build();
      assertThatThrownBy(intruder::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already used by another running EmbeddedKafkaBroker");

      try (Admin admin = admin(second)) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
            .contains(TOPIC, TX_TOPIC, BIG_TOPIC);
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        assertThat(committed.get(new TopicPartition(TOPIC, 0)).offset()).isEqualTo(values.size());
      }
      assertThat(consume(second, TOPIC, values.size(), null)).containsExactlyElementsOf(values);
      assertThat(consume(second, TX_TOPIC, 2, null)).containsExactly("committed-1", "committed-2");
    } finally {
      second.close();
      second.close();
    }
  }

  @Test
  void fixedPortInUseFailsFastWithClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
      EmbeddedKafkaBroker broker =
          EmbeddedKafkaBroker.builder().dataDir(dataDir).port(taken.getLocalPort()).build();
      assertThatThrownBy(broker::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("port in use")
          .hasMessageContaining(String.valueOf(taken.getLocalPort()));
      broker.close();
      broker.close();
    }
    // The failed start released the data directory.
    DataDirClaim.claim(dataDir.toAbsolutePath().normalize(), "test").close();
  }

  @Test
  void closeWithoutStartIsANoOp() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build();
    broker.close();
    broker.close();
    assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class);
  }

  private static Admin admin(EmbeddedKafkaBroker broker) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  private static Map<String, Object> consumerProps(EmbeddedKafkaBroker broker, String group) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    if (group != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    return props;
  }

  /**
   * Reads {@code expected} values of partition 0 from the beginning; with a group it subscribes and
   * commits what it read.
   */
  private static List<String> consume(
      EmbeddedKafkaBroker broker, String topic, int expected, String group) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            consumerProps(broker, group), new StringDeserializer(), new StringDeserializer())) {
      if (group == null) {
        consumer.assign(List.of(new TopicPartition(topic, 0)));
        consumer.seekToBeginning(consumer.assignment());
      } else {
        consumer.subscribe(Set.of(topic));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
      if (group != null) {
        consumer.commitSync(Duration.ofSeconds(30));
      }
    }
    return values;
  }
}

package dev.tracefold.bench;

import com.typesafe.config.ConfigFactory;
import dev.tracefold.embedded.EmbeddedKafkaBroker;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.TopicProvisioner;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A benchmark's Kafka (a CompletionBench scenario's, or GatewayBench's): an in-process {@link
 * EmbeddedKafkaBroker} on a fresh data directory and an ephemeral port, with Tracefold's topics
 * (via {@link TopicProvisioner}) and the baseline's output topic, all with the same partition
 * count. Not thread-safe; {@link #close()} is idempotent.
 */
final class BenchCluster implements AutoCloseable {
  private final EmbeddedKafkaBroker broker;
  private final KafkaSettings kafka;
  private final Admin admin;
  private final List<TopicPartition> spanPartitions;

  private BenchCluster(EmbeddedKafkaBroker broker, KafkaSettings kafka, Admin admin) {
    this.broker = broker;
    this.kafka = kafka;
    this.admin = admin;
    this.spanPartitions =
        IntStream.range(0, kafka.partitions())
            .mapToObj(p -> new TopicPartition(Topics.SPANS.name(), p))
            .collect(Collectors.toList());
  }

  /**
   * Starts the broker and creates the topics.
   *
   * @param dataDir the broker's data directory (created; the caller deletes it)
   * @param base topic sizing (partitions, completed-topic message size); its bootstrap servers are
   *     replaced by the broker's
   * @throws IllegalStateException if the broker does not start or the topics cannot be created
   */
  static BenchCluster start(Path dataDir, KafkaSettings base) {
    // Internal topics as wide as the benchmark's (Kafka's 50 partitions each cost seconds to create
    // on a busy 2-core machine), created before anything is timed.
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder()
            .dataDir(dataDir)
            .port(0)
            .brokerConfig("offsets.topic.num.partitions", Integer.toString(base.partitions()))
            .brokerConfig(
                "transaction.state.log.num.partitions", Integer.toString(base.partitions()))
            .build();
    broker.start();
    Admin admin = null;
    try {
      KafkaSettings kafka = base.withBootstrapServers(broker.bootstrapServers());
      admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
      BenchCluster cluster = new BenchCluster(broker, kafka, admin);
      cluster.createTopics();
      cluster.createInternalTopics();
      return cluster;
    } catch (RuntimeException e) {
      if (admin != null) {
        admin.close();
      }
      broker.close();
      throw e;
    }
  }

  private void createTopics() {
    TopicProvisioner.ensureTopics(kafka);
    NewTopic baselineOutput =
        new NewTopic(BaselineTopology.OUTPUT_TOPIC, kafka.partitions(), kafka.replicationFactor())
            .configs(
                Map.of(
                    TopicConfig.COMPRESSION_TYPE_CONFIG,
                    "zstd",
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    Integer.toString(kafka.completedMaxMessageBytes())));
    try {
      admin.createTopics(List.of(baselineOutput)).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Cannot create " + BaselineTopology.OUTPUT_TOPIC + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /**
   * Makes the broker create {@code __consumer_offsets} (looking up a group coordinator) and {@code
   * __transaction_state} (initialising a transactional producer) now rather than when the first
   * stream starts, inside a timed window.
   */
  private void createInternalTopics() {
    try {
      admin
          .listConsumerGroupOffsets("bench-warm-up")
          .partitionsToOffsetAndMetadata()
          .get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot create __consumer_offsets: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-warm-up");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
    }
  }

  /**
   * Empties every benchmark topic by deleting its records up to the end offset (the log start
   * offset moves there), so the next scenario, which reads from the earliest offset under a new
   * application id, sees only its own records. Used when the scenarios share one broker; deleting
   * and recreating the topics instead races with the broker's metadata.
   *
   * @throws IllegalStateException if the records cannot be deleted within 60 s
   */
  void resetTopics() {
    try {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (String topic :
          List.of(
              Topics.SPANS.name(),
              Topics.COMPLETED_TRACES.name(),
              Topics.EVALUATION_TRIGGERS.name(),
              Topics.SPANS_DLQ.name(),
              BaselineTopology.OUTPUT_TOPIC)) {
        for (int p = 0; p < kafka.partitions(); p++) {
          latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
      }
      Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get(60, TimeUnit.SECONDS)
          .forEach((tp, info) -> deletions.put(tp, RecordsToDelete.beforeOffset(info.offset())));
      admin.deleteRecords(deletions).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot empty the benchmark topics: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /**
   * Topic sizing of a benchmark broker: {@code partitions} per topic, replication 1, the configured
   * completed-trace message size; the bootstrap servers are a placeholder that {@link #start}
   * replaces.
   */
  static KafkaSettings sizing(int partitions) {
    KafkaSettings defaults = KafkaSettings.from(ConfigFactory.load());
    return new KafkaSettings(
        "localhost:0", partitions, (short) 1, defaults.completedMaxMessageBytes());
  }

  /**
   * Records on {@code topic}: the sum over its partitions of end offset minus start offset (as many
   * as were produced, without transactions).
   *
   * @throws IllegalStateException if the offsets cannot be read within 60 s
   */
  long records(String topic) {
    try {
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < kafka.partitions(); p++) {
        earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      long records = 0;
      for (var info : admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).values()) {
        records += info.offset();
      }
      for (var info : admin.listOffsets(earliest).all().get(60, TimeUnit.SECONDS).values()) {
        records -= info.offset();
      }
      return records;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot read the offsets of " + topic + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  KafkaSettings kafka() {
    return kafka;
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /**
   * A producer tuned for throughput: acks=all (idempotent), 256 KiB batches, 10 ms linger, zstd
   * (the topics' own codec, so the broker does not recompress). Keys and values are bytes.
   */
  KafkaProducer<byte[], byte[]> newProducer(String clientId) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Whether the consumer group {@code applicationId} has committed every partition of {@code
   * tracefold.spans} up to its end offset, i.e. has processed the whole input.
   */
  boolean inputConsumed(String applicationId) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(applicationId)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      spanPartitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      ListOffsetsResult ends = admin.listOffsets(latest);
      for (TopicPartition tp : spanPartitions) {
        long end = ends.partitionResult(tp).get(10, TimeUnit.SECONDS).offset();
        OffsetAndMetadata offset = committed.get(tp);
        if (end > 0 && (offset == null || offset.offset() < end)) {
          return false;
        }
      }
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    admin.close();
    broker.close();
  }
}

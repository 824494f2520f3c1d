package dev.tracefold.sink;

import dev.tracefold.service.KafkaSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Kafka client configurations of the sink's workers. */
final class KafkaClients {
  /**
   * {@code fetch.min.bytes} of a {@link #batchingConsumer}: 1 MiB, about 1,000 compressed spans of
   * agent traces (the default {@code max-poll-records} is 5,000), so under load a fetch returns
   * full and otherwise after the batch wait.
   */
  static final int BATCH_MIN_BYTES = 1 << 20;

  private KafkaClients() {}

  /**
   * A consumer of raw bytes that commits offsets only when told to, starting from the earliest
   * offset when its group has none.
   */
  static Map<String, Object> consumer(
      KafkaSettings kafka, String groupId, String clientId, int maxPollRecords) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }

  /**
   * {@link #consumer} whose fetches the broker holds until {@code batchWait} has passed or {@link
   * #BATCH_MIN_BYTES} are ready (a backlog returns at once): fewer, larger polls.
   */
  static Map<String, Object> batchingConsumer(
      KafkaSettings kafka,
      String groupId,
      String clientId,
      int maxPollRecords,
      Duration batchWait) {
    Map<String, Object> config = consumer(kafka, groupId, clientId, maxPollRecords);
    if (!batchWait.isZero()) {
      config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, BATCH_MIN_BYTES);
      config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) batchWait.toMillis());
    }
    return config;
  }

  /** An idempotent producer of raw bytes (acks=all, zstd), for dead letters. */
  static Map<String, Object> deadLetterProducer(KafkaSettings kafka, String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    // a dead letter is the original record plus headers: allow more than the 1 MiB default
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, kafka.completedMaxMessageBytes());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return config;
  }

  /** A transactional producer (acks=all, idempotent, zstd); serializers are passed separately. */
  static Map<String, Object> transactionalProducer(
      KafkaSettings kafka, String clientId, String transactionalId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    return config;
  }
}

package dev.tracefold.gateway.ingest;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.service.KafkaSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Creates the gateway's Kafka producer of {@code tracefold.spans}. */
public final class KafkaSpanProducers {
  /** {@code linger.ms}: a few milliseconds batch concurrent requests without hurting latency. */
  static final int LINGER_MS = 5;

  /** Numbers the producers of this JVM (1 in a gateway process; more in tests and benchmarks). */
  private static final AtomicInteger PRODUCERS = new AtomicInteger();

  private KafkaSpanProducers() {}

  /**
   * The producer configuration: {@code enable.idempotence=true}, {@code acks=all}, {@code
   * compression.type=zstd}, {@code linger.ms=5}, and {@code max.block.ms} = the produce timeout so
   * that a send never blocks longer than a request may wait; {@code client.id} {@code
   * tracefold-ingest-gateway-spans-<n>}, n counting the producers of this JVM from 1, which names
   * the producer in broker logs, quotas and the {@code kafka_producer_*} meters.
   */
  public static Map<String, Object> config(KafkaSettings kafka, Duration produceTimeout) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(
        ProducerConfig.CLIENT_ID_CONFIG,
        "tracefold-ingest-gateway-spans-" + PRODUCERS.incrementAndGet());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.max(1, produceTimeout.toMillis()));
    return config;
  }

  /**
   * A new producer with {@link #config} and the {@link Topics#SPANS} serdes. The caller closes it.
   */
  public static KafkaProducer<String, Span> create(KafkaSettings kafka, Duration produceTimeout) {
    return new KafkaProducer<>(
        config(kafka, produceTimeout),
        Topics.SPANS.keySerde().serializer(),
        Topics.SPANS.valueSerde().serializer());
  }
}

package dev.tracefold.gateway;

import static org.awaitility.Awaitility.await;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads {@code tracefold.spans} from the beginning and keeps every record seen. Not thread-safe.
 */
public final class SpanTopicReader implements AutoCloseable {
  private final KafkaConsumer<String, Span> consumer;
  private final List<ConsumerRecord<String, Span>> seen = new ArrayList<>();

  public SpanTopicReader(String bootstrapServers) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            Topics.SPANS.keySerde().deserializer(),
            Topics.SPANS.valueSerde().deserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.SPANS.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Polls until {@code count} records of the trace were seen (30 s at most); returns them. */
  public List<ConsumerRecord<String, Span>> awaitTrace(String traceId, int count) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
              return ofTrace(traceId).size() >= count;
            });
    return ofTrace(traceId);
  }

  /** Records of the trace seen so far. */
  public List<ConsumerRecord<String, Span>> ofTrace(String traceId) {
    return seen.stream().filter(r -> r.value().getTraceId().equals(traceId)).toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}

package dev.tracefold.completion;

import dev.tracefold.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link InputProgress} from the broker: every {@code interval} it notes the wall clock, then reads
 * the end offset of each partition of {@code tracefold.spans} and the application's committed
 * offsets. A task whose position (the offset after its last processed record, or the committed
 * offset) is at or past an end offset read at time T has processed every record appended before T.
 * The last {@value #SAMPLES} samples per partition are kept. Failures are logged (once until a poll
 * succeeds again) and leave the samples as they are, so the clocks of caught-up tasks stop at the
 * last good sample: traces wait rather than complete early. Thread-safe.
 */
final class EndOffsetsPoller implements InputProgress, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EndOffsetsPoller.class);
  static final int SAMPLES = 16;

  private record Sample(long atMillis, long endOffset) {}

  private final Admin admin;
  private final String applicationId;
  private final Duration timeout;
  private final ScheduledExecutorService executor;
  private final Map<Integer, Deque<Sample>> samples = new ConcurrentHashMap<>();
  private final Map<Integer, Long> committed = new ConcurrentHashMap<>();
  private volatile boolean failing;

  /** The partitions of {@code tracefold.spans}, as last described; only the poller thread. */
  private Map<TopicPartition, OffsetSpec> latest;

  /**
   * Starts polling.
   *
   * @param admin an admin client of the cluster; closed by {@link #close()}
   * @param applicationId the Kafka Streams application id (its consumer group)
   * @param interval how often to poll
   */
  EndOffsetsPoller(Admin admin, String applicationId, Duration interval) {
    this.admin = admin;
    this.applicationId = applicationId;
    this.timeout =
        interval.multipliedBy(20).compareTo(Duration.ofSeconds(5)) > 0
            ? interval.multipliedBy(20)
            : Duration.ofSeconds(5);
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "tracefold-completion-end-offsets");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public long caughtUpAtMillis(int partition, long position) {
    long effective = Math.max(position, committed.getOrDefault(partition, -1L));
    Deque<Sample> partitionSamples = samples.get(partition);
    if (effective < 0 || partitionSamples == null) {
      return Long.MIN_VALUE;
    }
    synchronized (partitionSamples) {
      for (var it = partitionSamples.descendingIterator(); it.hasNext(); ) {
        Sample sample = it.next();
        if (sample.endOffset() <= effective) {
          return sample.atMillis();
        }
      }
    }
    return Long.MIN_VALUE;
  }

  private void poll() {
    try {
      long at = System.currentTimeMillis();
      String topic = Topics.SPANS.name();
      if (latest == null) { // described once, and again after a failure (partitions added)
        List<TopicPartitionInfo> partitions =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic)
                .partitions();
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(
            p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        latest = specs;
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetAndMetadata> groupOffsets =
          admin
              .listConsumerGroupOffsets(applicationId)
              .partitionsToOffsetAndMetadata()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      groupOffsets.forEach(
          (tp, offset) -> {
            if (tp.topic().equals(topic) && offset != null) {
              committed.put(tp.partition(), offset.offset());
            }
          });
      ends.forEach(
          (tp, info) -> {
            Deque<Sample> partitionSamples =
                samples.computeIfAbsent(tp.partition(), p -> new ArrayDeque<>());
            synchronized (partitionSamples) {
              partitionSamples.addLast(new Sample(at, info.offset()));
              while (partitionSamples.size() > SAMPLES) {
                partitionSamples.removeFirst();
              }
            }
          });
      if (failing) {
        log.info("Reading the end offsets of {} works again", topic);
        failing = false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      latest = null;
      if (!failing) {
        log.warn(
            "Cannot read the end offsets of {}; caught-up stream tasks hold their completion"
                + " clock until it works again: {}",
            Topics.SPANS.name(),
            e.toString());
        failing = true;
      }
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    admin.close(Duration.ofSeconds(5));
  }
}

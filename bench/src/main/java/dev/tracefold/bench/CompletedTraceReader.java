package dev.tracefold.bench;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a completed-traces topic from the beginning with a {@code read_committed} consumer on its
 * own thread (every partition assigned, no group), counting distinct trace keys and, when asked,
 * measuring completion lag.
 *
 * <p>Lag of one {@link CompletedTrace}, with {@code due = lastArrivalEpochMillis + quiet window}:
 *
 * <ul>
 *   <li><b>emit lag</b> = the record's timestamp − due. Valid only where the timestamp is the emit
 *       time: Tracefold forwards with the punctuation's wall-clock time, which the Streams producer
 *       keeps as {@code CreateTime}. {@link #timestampIsEmitTime()} counts records whose timestamp
 *       equals {@code completedEpochMillis};
 *   <li><b>visible lag</b> = the wall-clock time this consumer received it − due: adds the
 *       transaction commit (exactly-once) and the fetch.
 * </ul>
 *
 * Only records received inside the {@linkplain #measureBetween(long, long) measurement window} give
 * samples. Counters are thread-safe; {@link #close()} stops and joins the thread.
 */
final class CompletedTraceReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CompletedTraceReader.class);
  private static final AvroSerde<CompletedTrace> SERDE = AvroSerde.of(CompletedTrace.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final boolean measureLag;
  private final long quietWindowMillis;
  private final Thread thread;
  private final Listener listener;
  private final Set<String> keys = new HashSet<>();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong distinctTraces = new AtomicLong();
  private final AtomicLong lastNewTraceEpochMillis = new AtomicLong(-1);
  private final AtomicLong timestampIsEmitTime = new AtomicLong();
  private final AtomicLong timestampIsNotEmitTime = new AtomicLong();
  private final LatencySamples emitLag = new LatencySamples();
  private final LatencySamples visibleLag = new LatencySamples();
  private final LatencySamples arrivalDelay = new LatencySamples();
  private volatile long windowStartEpochMillis = Long.MAX_VALUE;
  private volatile long windowEndEpochMillis = Long.MAX_VALUE;
  private volatile boolean running = true;
  private volatile Throwable failure;

  /** Sees every decoded record, on the reading thread. */
  @FunctionalInterface
  interface Listener {
    /**
     * @param trace the record's value
     * @param recordTimestamp the record's timestamp (the emit time for Tracefold), epoch ms
     * @param receivedEpochMillis when this consumer received it
     */
    void completed(CompletedTrace trace, long recordTimestamp, long receivedEpochMillis);
  }

  /**
   * Starts reading.
   *
   * @param bootstrapServers the broker
   * @param topic the completed-traces topic
   * @param measureLag decode each record and take lag samples (else only keys are counted)
   * @param quietWindowMillis the quiet window (or inactivity gap) the topology uses
   */
  CompletedTraceReader(
      String bootstrapServers, String topic, boolean measureLag, long quietWindowMillis) {
    this(bootstrapServers, topic, measureLag, quietWindowMillis, null);
  }

  /**
   * Starts reading, and hands every record, decoded, to {@code listener} (when not null) besides
   * counting it.
   */
  CompletedTraceReader(
      String bootstrapServers,
      String topic,
      boolean measureLag,
      long quietWindowMillis,
      Listener listener) {
    this.listener = listener;
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-completed-reader");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.measureLag = measureLag;
    this.quietWindowMillis = quietWindowMillis;
    List<TopicPartition> partitions = List.of();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (partitions.isEmpty()) { // a topic created a moment ago may not be in the metadata yet
      if (System.nanoTime() > deadline) {
        consumer.close();
        throw new IllegalStateException(
            "Topic " + topic + " has no partitions in the metadata after 30 s");
      }
      partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .collect(Collectors.toList());
      if (partitions.isEmpty()) {
        Pause.millis(100);
      }
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.thread = new Thread(this::run, "bench-completed-reader");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          accept(record, System.currentTimeMillis());
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = e;
      log.error("Reading {} failed", topic, e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void accept(ConsumerRecord<byte[], byte[]> record, long receivedEpochMillis) {
    records.incrementAndGet();
    if (keys.add(new String(record.key(), StandardCharsets.UTF_8))) {
      distinctTraces.incrementAndGet();
      lastNewTraceEpochMillis.set(receivedEpochMillis);
    }
    if (!measureLag && listener == null) {
      return;
    }
    CompletedTrace trace = SERDE.decode(record.value());
    if (listener != null) {
      listener.completed(trace, record.timestamp(), receivedEpochMillis);
    }
    if (!measureLag) {
      return;
    }
    if (record.timestampType() == TimestampType.CREATE_TIME
        && record.timestamp() == trace.getCompletedEpochMillis()) {
      timestampIsEmitTime.incrementAndGet();
    } else {
      timestampIsNotEmitTime.incrementAndGet();
    }
    if (receivedEpochMillis >= windowStartEpochMillis
        && receivedEpochMillis < windowEndEpochMillis) {
      long dueEpochMillis = trace.getLastArrivalEpochMillis() + quietWindowMillis;
      emitLag.add(record.timestamp() - dueEpochMillis);
      visibleLag.add(receivedEpochMillis - dueEpochMillis);
      long lastSentEpochMillis =
          trace.getSpans().stream().mapToLong(Span::getIngestedEpochMillis).max().orElse(0);
      arrivalDelay.add(trace.getLastArrivalEpochMillis() - lastSentEpochMillis);
    }
  }

  /** Lag samples are taken from records received in {@code [start, end)}, epoch ms. */
  void measureBetween(long startEpochMillis, long endEpochMillis) {
    windowEndEpochMillis = endEpochMillis;
    windowStartEpochMillis = startEpochMillis;
  }

  /** Records read, revisions included. */
  long records() {
    return records.get();
  }

  /** Distinct trace keys read. */
  long distinctTraces() {
    return distinctTraces.get();
  }

  /** When the latest new trace key was received, epoch ms; -1 before the first. */
  long lastNewTraceEpochMillis() {
    return lastNewTraceEpochMillis.get();
  }

  /**
   * Decoded records whose timestamp is a {@code CreateTime} equal to {@code completedEpochMillis}.
   */
  long timestampIsEmitTime() {
    return timestampIsEmitTime.get();
  }

  /** Decoded records whose timestamp is not the emit time. */
  long timestampIsNotEmitTime() {
    return timestampIsNotEmitTime.get();
  }

  LagSummary emitLag() {
    return emitLag.summary();
  }

  LagSummary visibleLag() {
    return visibleLag.summary();
  }

  /**
   * How late the topology processed the last span of each trace: {@code lastArrivalEpochMillis}
   * minus the latest {@code ingestedEpochMillis} of its spans (the bench producer's send time).
   */
  LagSummary arrivalDelay() {
    return arrivalDelay.summary();
  }

  /** Throws if the reading thread failed. */
  void checkHealthy() {
    if (failure != null) {
      throw new IllegalStateException("Reading " + topic + " failed: " + failure, failure);
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.tracefold.sink;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.TraceStoreException;
import dev.tracefold.store.trace.EncodedSpan;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes spans from {@code tracefold.spans} to the store as they arrive, so in-progress traces are
 * visible: consumer group {@link SinkSettings#spansGroupId()} (default {@code
 * tracefold-rollup-sink-spans}), auto-commit off.
 *
 * <p>Per polled batch: the records are split by trace into up to {@link
 * SinkSettings#spanWriteConcurrency()} groups written at once (see {@link GroupedWrites}). In each
 * group every record is decoded with the topic's serde; a record that does not decode (or names no
 * valid project) goes to {@code tracefold.spans.dlq} (see {@link DeadLetters}) and the rest of the
 * group is written with one {@link TraceStore#writeEncodedSpans} call (one database transaction;
 * each record's value, the span's Avro single-object encoding, is stored as its payload as
 * received). A batch is whatever one poll returns (at most {@link SinkSettings#maxPollRecords()}):
 * the writer never holds spans back to fill a batch, so a span is visible in the store about one
 * database transaction after it is polled. The batch's offsets are committed ({@code commitSync})
 * only after the dead letters are acknowledged and every group's database transaction committed:
 * at-least-once delivery plus idempotent writes make every span stored exactly once. If the
 * database refuses a group because of its data, its spans are written one by one and the refused
 * ones sent to the dead-letter topic too. A group that fails otherwise fails the batch once the
 * other groups finished.
 *
 * <p>Any other failure (database or Kafka unavailable) rewinds the consumer to the batch's first
 * offsets and retries after {@link SinkSettings#retryBackoff()}; {@code /health} reports the worker
 * down meanwhile.
 *
 * <p>Thread-safety: {@link #run()} runs on one thread; {@link #close()} may be called from any.
 */
final class SpanWriter extends SinkWorker {
  private static final Logger log = LoggerFactory.getLogger(SpanWriter.class);
  private static final AvroSerde<Span> SERDE = AvroSerde.of(Span.class);

  private final SinkSettings settings;
  private final TraceStore store;
  private final SinkMetrics metrics;
  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> dlqProducer;
  private final DeadLetters deadLetters;
  private final List<KafkaClientMetrics> clientMetrics;

  /** Writes the traces of a poll in groups at once. */
  private final GroupedWrites groups;

  /** The batch being written; only touched by the worker thread. */
  private ConsumerRecords<byte[], byte[]> polled;

  SpanWriter(SinkSettings settings, KafkaSettings kafka, TraceStore store, SinkMetrics metrics) {
    super("Span writer", settings.retryBackoff(), metrics::spanWriteFailed);
    this.settings = settings;
    this.store = store;
    this.metrics = metrics;
    String clientId = "tracefold-rollup-sink-spans-" + settings.instanceId();
    this.consumer =
        new KafkaConsumer<>(
            KafkaClients.batchingConsumer(
                kafka,
                settings.spansGroupId(),
                clientId,
                settings.maxPollRecords(),
                settings.spanBatchWait()));
    this.dlqProducer =
        new KafkaProducer<>(KafkaClients.deadLetterProducer(kafka, clientId + "-dlq"));
    this.deadLetters = new DeadLetters(dlqProducer, Topics.SPANS_DLQ.name());
    this.clientMetrics = List.of(metrics.bind(consumer), metrics.bind(dlqProducer));
    this.groups = new GroupedWrites(clientId, settings.spanWriteConcurrency());
  }

  @Override
  void start() {
    consumer.subscribe(List.of(Topics.SPANS.name()));
  }

  @Override
  Duration cycle() {
    ConsumerRecords<byte[], byte[]> records = consumer.poll(settings.pollTimeout());
    if (!records.isEmpty()) {
      polled = records;
      writeBatch(records);
      polled = null;
    }
    return Duration.ZERO;
  }

  /** Seeks every still-assigned partition of the failed batch back to the batch's first offset. */
  @Override
  void afterFailure(RuntimeException failure) {
    ConsumerRecords<byte[], byte[]> records = polled;
    polled = null;
    if (records == null) {
      return;
    }
    Set<TopicPartition> assigned = consumer.assignment();
    for (TopicPartition partition : records.partitions()) {
      if (assigned.contains(partition)) {
        consumer.seek(partition, records.records(partition).get(0).offset());
      }
    }
  }

  @Override
  void wakeup() {
    consumer.wakeup();
  }

  @Override
  void stop() {
    closeClients();
  }

  private void writeBatch(ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
      offsets.put(
          partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
    }
    List<Future<RecordMetadata>> deadLettersSent = new ArrayList<>();
    groups.store(records, this::writeGroup).forEach(deadLettersSent::addAll);
    awaitAcknowledged(deadLettersSent);
    metrics.spansDeadLettered(deadLettersSent.size());
    try {
      consumer.commitSync(offsets);
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // the partitions moved to another member, which re-reads these records; writes are idempotent
      log.info(
          "Could not commit span offsets after a rebalance; the new owner re-reads them: {}",
          e.getMessage());
    }
  }

  /**
   * Decodes and writes one group's records (one database transaction); returns the dead letters
   * sent for records that do not decode or that the store refuses.
   */
  private List<Future<RecordMetadata>> writeGroup(List<ConsumerRecord<byte[], byte[]>> records) {
    List<EncodedSpan> spans = new ArrayList<>(records.size());
    List<ConsumerRecord<byte[], byte[]>> sources = new ArrayList<>(records.size());
    List<Future<RecordMetadata>> deadLettersSent = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      try {
        spans.add(decode(record));
        sources.add(record);
      } catch (SerializationException | IllegalArgumentException e) {
        log.warn(
            "Span record {}-{}@{} cannot be decoded; sending it to {}: {}",
            record.topic(),
            record.partition(),
            record.offset(),
            Topics.SPANS_DLQ.name(),
            e.getMessage());
        deadLettersSent.add(deadLetters.send(record, e));
      }
    }
    if (!spans.isEmpty()) {
      write(spans, sources, deadLettersSent);
    }
    return deadLettersSent;
  }

  private void write(
      List<EncodedSpan> spans,
      List<ConsumerRecord<byte[], byte[]>> sources,
      List<Future<RecordMetadata>> deadLettersSent) {
    try {
      long start = System.nanoTime();
      Set<TraceKey> changed = store.writeEncodedSpans(spans);
      metrics.spansStored(spans.size(), changed.size(), System.nanoTime() - start);
    } catch (TraceStoreException e) {
      if (!e.isDataError()) {
        throw e;
      }
      // summary(): the driver's message of a refused batch quotes its statements with their values
      log.warn(
          "The store refused a batch of {} spans ({}); writing them one by one",
          spans.size(),
          e.summary());
      for (int i = 0; i < spans.size(); i++) {
        try {
          Set<TraceKey> changed = store.writeEncodedSpans(List.of(spans.get(i)));
          metrics.spansStored(1, changed.size(), 0);
        } catch (TraceStoreException single) {
          if (!single.isDataError()) {
            throw single;
          }
          ConsumerRecord<byte[], byte[]> record = sources.get(i);
          log.warn(
              "The store refused span record {}-{}@{} ({}); sending it to {}",
              record.topic(),
              record.partition(),
              record.offset(),
              single.summary(),
              Topics.SPANS_DLQ.name());
          deadLettersSent.add(deadLetters.send(record, single));
        }
      }
    }
  }

  /** The record's span with the record's value as its stored payload (it is its encoding). */
  private static EncodedSpan decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new SerializationException("Span record has no value (a tombstone)");
    }
    // EncodedSpan rejects an empty project id or one with '/' (IllegalArgumentException)
    return new EncodedSpan(SERDE.decode(record.value()), record.value());
  }

  private static void awaitAcknowledged(List<Future<RecordMetadata>> sent) {
    for (Future<RecordMetadata> future : sent) {
      try {
        future.get();
      } catch (ExecutionException e) {
        throw new KafkaException("Dead letter not acknowledged: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaException("Interrupted while sending dead letters", e);
      }
    }
  }

  /** Closes the Kafka clients; for a writer whose {@link #run()} will never be called. */
  void closeClients() {
    groups.close();
    try {
      consumer.close();
    } catch (RuntimeException e) {
      log.warn("Closing the span consumer failed", e);
    }
    try {
      dlqProducer.close();
    } catch (RuntimeException e) {
      log.warn("Closing the dead-letter producer failed", e);
    }
    clientMetrics.forEach(KafkaClientMetrics::close);
  }
}

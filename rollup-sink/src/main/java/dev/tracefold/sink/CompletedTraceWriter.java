package dev.tracefold.sink;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.TraceStoreException;
import dev.tracefold.store.trace.CompletedWrite;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores completed trace revisions from {@code tracefold.traces.completed} and fires their
 * evaluation triggers to {@code tracefold.evaluation.triggers}: consumer group {@link
 * SinkSettings#tracesGroupId()} (default {@code tracefold-rollup-sink-traces}) reading with {@code
 * isolation.level=read_committed}, plus a transactional producer ({@code transactional.id} = {@link
 * SinkSettings#transactionalId()}).
 *
 * <p>Per polled batch:
 *
 * <ol>
 *   <li>store the records' revisions with {@link TraceStore#writeCompleted(List,
 *       java.util.function.Function)} (one database transaction for the distinct traces of a group,
 *       up to {@link SinkSettings#completedWriteConcurrency()} groups at once, idempotent), which
 *       stores each revision and, with the trace as stored, asks the {@link RuleEvaluator} which
 *       rules fire and which annotation queues take it, recording the triggers (their ids are
 *       deterministic per rule, trace and revision: {@link Triggers#triggerId}) in the same
 *       transaction;
 *   <li>then, in one Kafka transaction, send the triggers the store returns (key {@code
 *       projectId/traceId}) and the batch's offsets ({@code sendOffsetsToTransaction(offsets,
 *       consumer.groupMetadata())}), and commit.
 * </ol>
 *
 * The store returns every trigger of turn first or every recorded for the revision, also those an
 * earlier attempt recorded and also for a revision older than the stored one (its rollup is then
 * not written, no rule is asked), because the batch that first consumed it may have committed to
 * the database but never to Kafka. Triggers of turn last are published later by the {@link
 * LastTurnScheduler}.
 *
 * <p><b>Why a trigger id appears at most once in the topic for {@code read_committed} readers.</b>
 * The triggers of a record and the consumed offset past that record are committed in the same Kafka
 * transaction, so either both are visible or neither is. If the sink fails or crashes anywhere
 * before that commit (even right after the database commit), the transaction is aborted
 * (explicitly, by the next {@code initTransactions} with the same {@code transactional.id}, or by
 * the transaction timeout) and its triggers stay invisible to {@code read_committed} readers; the
 * group's committed offset still points at the record, so the record is consumed again, the
 * database write repeats as a no-op (spans and trigger rows conflict, the revision is not newer),
 * and the trigger is sent again in a new transaction that commits once. A stale instance cannot
 * commit a duplicate either: after a rebalance its {@code sendOffsetsToTransaction} carries an old
 * group generation and is refused, so its transaction aborts. (Resetting the group's offsets by
 * hand re-reads the topic and re-sends its triggers, with the same ids: evaluators dedupe on them.)
 *
 * <p>On any other failure the transaction is aborted, the consumer rewound to the group's last
 * committed offsets ({@code seek}) and the batch retried after {@link SinkSettings#retryBackoff()}.
 * Fatal producer errors ({@link ProducerFencedException}: another instance uses this {@code
 * transactional.id}; authorization, unsupported version, out-of-order sequence) stop the worker,
 * and {@code /health} reports it down. A record that cannot be decoded, is invalid (e.g. holds
 * spans of another trace) or whose data the database refuses is logged, counted ({@code
 * tracefold.sink.completed.rejected}) and skipped without a trigger: retrying it cannot succeed.
 *
 * <p>Thread-safety: {@link #run()} runs on one thread; {@link #close()} may be called from any.
 */
final class CompletedTraceWriter extends SinkWorker {
  private static final Logger log = LoggerFactory.getLogger(CompletedTraceWriter.class);
  private static final AvroSerde<CompletedTrace> SERDE = AvroSerde.of(CompletedTrace.class);

  private final SinkSettings settings;
  private final KafkaSettings kafka;
  private final TraceStore store;
  private final SinkMetrics metrics;
  private final RuleEvaluator rules;
  private final String clientId;
  private final Consumer<byte[], byte[]> consumer;
  private final KafkaClientMetrics consumerMetrics;
  private TriggerProducer producer; // only touched by the worker thread

  /** Stores the traces of a poll in groups at once. */
  private final GroupedWrites groups;

  private final CrashPoints crashPoints;

  /** The batch being stored; only touched by the worker thread. */
  private ConsumerRecords<byte[], byte[]> polled;

  /** Whether a Kafka transaction may be open; only touched by the worker thread. */
  private boolean inTransaction;

  CompletedTraceWriter(
      SinkSettings settings,
      KafkaSettings kafka,
      TraceStore store,
      SinkMetrics metrics,
      RuleEvaluator rules,
      CrashPoints crashPoints) {
    super("Completed-trace writer", settings.retryBackoff(), metrics::completedWriteFailed);
    this.crashPoints = crashPoints;
    this.settings = settings;
    this.kafka = kafka;
    this.store = store;
    this.metrics = metrics;
    this.rules = rules;
    this.clientId = "tracefold-rollup-sink-traces-" + settings.instanceId();
    this.groups = new GroupedWrites(clientId, settings.completedWriteConcurrency());
    Map<String, Object> consumerConfig =
        KafkaClients.consumer(
            kafka, settings.tracesGroupId(), clientId, settings.completedMaxPollRecords());
    consumerConfig.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
    this.consumer = new KafkaConsumer<>(consumerConfig);
    this.consumerMetrics = metrics.bind(consumer);
  }

  @Override
  void start() {
    consumer.subscribe(List.of(Topics.COMPLETED_TRACES.name()));
  }

  @Override
  Duration cycle() {
    ConsumerRecords<byte[], byte[]> records = consumer.poll(settings.pollTimeout());
    if (records.isEmpty()) {
      return Duration.ZERO;
    }
    polled = records;
    if (producer == null) {
      producer = newProducer();
    }
    StoredBatch batch = store(records);
    crashPoints.reached(CrashPoints.Point.COMPLETED_AFTER_DATABASE_COMMIT);
    inTransaction = true; // also if beginTransaction fails: abort() then resets the producer
    producer.beginTransaction();
    batch.triggers().forEach(producer::send);
    producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
    crashPoints.reached(CrashPoints.Point.COMPLETED_BEFORE_KAFKA_COMMIT);
    producer.commitTransaction();
    inTransaction = false;
    polled = null;
    metrics.completedCommitted(batch.written(), batch.stale(), batch.rejected(), batch.triggers());
    return Duration.ZERO;
  }

  /** Aborts the failed batch's Kafka transaction and rewinds the consumer to retry the batch. */
  @Override
  void afterFailure(RuntimeException failure) {
    abort();
    if (polled != null) {
      rewind(polled);
      polled = null;
    }
  }

  @Override
  boolean isFatal(RuntimeException failure) {
    return TriggerProducer.isFatal(failure);
  }

  @Override
  void wakeup() {
    consumer.wakeup();
  }

  @Override
  void stop() {
    try {
      abort();
    } catch (RuntimeException e) {
      log.warn("Aborting the trigger transaction on stop failed", e);
    }
    closeClients();
  }

  /** What storing one batch produced: the triggers to send and counts for the meters. */
  private record StoredBatch(
      List<EvaluationTrigger> triggers, int written, int stale, int rejected) {
    static StoredBatch sum(List<StoredBatch> parts) {
      List<EvaluationTrigger> triggers = new ArrayList<>();
      int written = 0;
      int stale = 0;
      int rejected = 0;
      for (StoredBatch part : parts) {
        triggers.addAll(part.triggers());
        written += part.written();
        stale += part.stale();
        rejected += part.rejected();
      }
      return new StoredBatch(triggers, written, stale, rejected);
    }
  }

  /**
   * Writes the records' revisions and triggers to the store. The records are split by trace into up
   * to {@link SinkSettings#completedWriteConcurrency()} groups stored at once, each group with one
   * {@link TraceStore#writeCompleted(List, java.util.function.Function)} call (one database
   * transaction for its distinct traces, set-based; a trace's revisions in record order). A group
   * the store refuses as a whole (an invalid revision, data the database rejects) is stored again
   * one record at a time, so that only the bad record is skipped. The triggers come back in group
   * order. The first failure of any group fails the batch after the others finished (it is retried
   * as a whole; writes are idempotent).
   */
  private StoredBatch store(ConsumerRecords<byte[], byte[]> records) {
    return StoredBatch.sum(groups.store(records, this::storeGroup));
  }

  /** Stores one group's records with one store call; one at a time if the store refuses them. */
  private StoredBatch storeGroup(List<ConsumerRecord<byte[], byte[]>> records) {
    List<CompletedTrace> traces = new ArrayList<>(records.size());
    Map<CompletedTrace, Triggers.RecordPosition> positions = new IdentityHashMap<>();
    int rejected = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      try {
        CompletedTrace trace = decode(record);
        traces.add(trace);
        positions.put(
            trace,
            new Triggers.RecordPosition(record.topic(), record.partition(), record.offset()));
      } catch (SerializationException | IllegalArgumentException e) {
        rejected++;
        logRejected(record, "cannot be decoded", e);
      }
    }
    if (traces.isEmpty()) {
      return new StoredBatch(List.of(), 0, 0, rejected);
    }
    long start = System.nanoTime();
    List<CompletedWrite> writes;
    try {
      writes = store.writeCompleted(traces, trace -> rules.decider(trace, positions.get(trace)));
    } catch (IllegalArgumentException | TraceStoreException e) {
      if (e instanceof TraceStoreException storeFailure && !storeFailure.isDataError()) {
        throw storeFailure;
      }
      log.warn(
          "A batch of {} completed traces was refused ({}); storing them one at a time",
          traces.size(),
          e instanceof TraceStoreException refused ? refused.summary() : e.getMessage());
      return storeInOrder(records);
    }
    metrics.completedStoreTook(System.nanoTime() - start);
    List<EvaluationTrigger> triggers = new ArrayList<>();
    int written = 0;
    int stale = 0;
    for (int i = 0; i < writes.size(); i++) {
      CompletedWrite write = writes.get(i);
      if (write.current()) {
        written++;
      } else {
        stale++;
        log.debug(
            "Revision {} of {}/{} is older than the stored one",
            traces.get(i).getRevision(),
            traces.get(i).getProjectId(),
            traces.get(i).getTraceId());
      }
      triggers.addAll(write.triggers());
    }
    return new StoredBatch(triggers, written, stale, rejected);
  }

  /**
   * Writes the records' revisions and triggers to the store one at a time (one database transaction
   * each), skipping the records that cannot be stored.
   */
  private StoredBatch storeInOrder(List<ConsumerRecord<byte[], byte[]>> records) {
    List<EvaluationTrigger> triggers = new ArrayList<>();
    int written = 0;
    int stale = 0;
    int rejected = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      CompletedTrace trace;
      TraceKey key;
      try {
        trace = decode(record);
        key = new TraceKey(trace.getProjectId(), trace.getTraceId());
      } catch (SerializationException | IllegalArgumentException e) {
        rejected++;
        logRejected(record, "cannot be decoded", e);
        continue;
      }
      Triggers.RecordPosition position =
          new Triggers.RecordPosition(record.topic(), record.partition(), record.offset());
      long start = System.nanoTime();
      CompletedWrite write;
      try {
        write = store.writeCompleted(trace, rules.decider(trace, position));
      } catch (IllegalArgumentException e) {
        rejected++;
        logRejected(record, "is invalid", e);
        continue;
      } catch (TraceStoreException e) {
        if (!e.isDataError()) {
          throw e;
        }
        rejected++;
        logRejected(record, "was refused by the store", e);
        continue;
      }
      metrics.completedStoreTook(System.nanoTime() - start);
      if (write.current()) {
        written++;
      } else {
        stale++;
        log.debug("Revision {} of {} is older than the stored one", trace.getRevision(), key);
      }
      triggers.addAll(write.triggers());
    }
    return new StoredBatch(triggers, written, stale, rejected);
  }

  private static void logRejected(ConsumerRecord<byte[], byte[]> record, String why, Exception e) {
    log.error(
        "Completed-trace record {}-{}@{} {}; skipping it: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        why,
        e instanceof TraceStoreException refused ? refused.summary() : e.getMessage());
  }

  private static CompletedTrace decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new SerializationException("Completed-trace record has no value (a tombstone)");
    }
    CompletedTrace trace = SERDE.decode(record.value());
    if (trace.getRevision() < 1) {
      throw new IllegalArgumentException("revision " + trace.getRevision() + " is below 1");
    }
    return trace;
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
      offsets.put(
          partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
    }
    return offsets;
  }

  /**
   * Aborts the open transaction; if that fails, closes the producer, so that the next batch starts
   * a new one (whose {@code initTransactions} aborts the transaction).
   */
  private void abort() {
    if (!inTransaction) {
      return;
    }
    inTransaction = false;
    try {
      producer.abortTransaction();
    } catch (RuntimeException e) {
      if (TriggerProducer.isFatal(e)) {
        throw e;
      }
      // a new producer with the same transactional.id aborts the open transaction when it starts
      log.warn("Aborting the trigger transaction failed; replacing the producer", e);
      closeProducer();
    }
  }

  /**
   * Seeks every assigned partition back to the group's last committed offset, or for a partition
   * without one, to the batch's first offset in it.
   */
  private void rewind(ConsumerRecords<byte[], byte[]> records) {
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed = consumer.committed(assigned);
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      log.warn("Cannot read committed offsets; rewinding to the batch start", e);
      committed = Map.of();
    }
    for (TopicPartition partition : assigned) {
      OffsetAndMetadata offset = committed.get(partition);
      if (offset != null) {
        consumer.seek(partition, offset);
      } else if (records.partitions().contains(partition)) {
        consumer.seek(partition, records.records(partition).get(0).offset());
      }
    }
  }

  private TriggerProducer newProducer() {
    return TriggerProducer.start(
        kafka, clientId + "-triggers", settings.transactionalId(), metrics);
  }

  private void closeClients() {
    groups.close();
    try {
      consumer.close();
    } catch (RuntimeException e) {
      log.warn("Closing the completed-trace consumer failed", e);
    }
    consumerMetrics.close();
    closeProducer();
  }

  private void closeProducer() {
    if (producer != null) {
      producer.close();
      producer = null;
    }
  }
}

package dev.tracefold.sink;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.store.PendingTriggerStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the triggers of turn-last rules once they are due, each exactly once, on its own thread
 * ({@code tracefold-sink-last-turn}), following the protocol of {@link PendingTriggerStore}:
 *
 * <ol>
 *   <li>on start and after any failure: a new transactional producer ({@code transactional.id} =
 *       {@link SinkSettings#lastTurnTransactionalId()}), whose {@code initTransactions} aborts or
 *       completes a transaction an earlier incarnation left open; then the marker {@code c} is read:
 *       the offset committed by group {@link SinkSettings#lastTurnMarkerGroupId()} on {@code
 *       tracefold.evaluation.triggers} partition 0 (read by a {@code read_committed} consumer of
 *       that group, which never subscribes; 0 when none);
 *   <li>each round: {@link PendingTriggerStore#claim} with sequence {@code c} (drops claims below
 *       {@code c}, re-claims those at or above it, claims the due ones and records them as fired);
 *       then one Kafka transaction sends them (key {@code projectId/traceId}) and commits offset
 *       {@code c + 1} for the marker group ({@code sendOffsetsToTransaction} with that consumer's
 *       group metadata, which has no generation: no consumer ever joins the group); then {@code c = c + 1} and the published claims are deleted.
 * </ol>
 *
 * <p><b>Why a trigger is published once.</b> A claim at {@code c} becomes visible to {@code
 * read_committed} readers in the same Kafka transaction as marker {@code c + 1}. If that
 * transaction aborts, or the instance dies before, during or after it, the marker and the
 * triggers go together: after the restart, marker {@code c + 1} means the claims at {@code c}
 * were published (they are dropped, not sent again); marker {@code c} means they were not (they are
 * re-claimed and sent). A zombie incarnation cannot commit after a new one started: {@code
 * initTransactions} fenced its producer epoch. The same instance id must therefore never run twice
 * at once (as for the completed-trace writer); claims of an instance that never comes back stay in
 * the table, recorded as fired but unpublished, until an instance with its id starts.
 *
 * <p>A due trigger whose rule was deleted, disabled or changed to another turn is dropped unfired.
 * Thread-safety: {@link #run()} runs on one thread; {@link #close()} may be called from any.
 */
final class LastTurnScheduler implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LastTurnScheduler.class);
  private static final TopicPartition MARKER_PARTITION =
      new TopicPartition(Topics.EVALUATION_TRIGGERS.name(), 0);

  private static final Duration MARKER_READ_TIMEOUT = Duration.ofSeconds(30);

  private final SinkSettings settings;
  private final KafkaSettings kafka;
  private final PendingTriggerStore pending;
  private final RuleCache rules;
  private final SinkMetrics metrics;
  private final Clock clock;
  private final WorkerStatus status = new WorkerStatus();
  private final CountDownLatch closing = new CountDownLatch(1);
  private TriggerProducer producer; // only touched by the worker thread
  private Consumer<byte[], byte[]> markerGroup; // open while producer is; worker thread only
  private long marker; // the committed marker c; valid while producer != null
  private int failures; // consecutive failed rounds; only touched by the worker thread
  private volatile CrashPoints crashPoints = CrashPoints.NONE;

  LastTurnScheduler(
      SinkSettings settings,
      KafkaSettings kafka,
      PendingTriggerStore pending,
      RuleCache rules,
      SinkMetrics metrics,
      Clock clock) {
    this.settings = settings;
    this.kafka = kafka;
    this.pending = pending;
    this.rules = rules;
    this.metrics = metrics;
    this.clock = clock;
  }

  WorkerStatus status() {
    return status;
  }

  /** Sets the crash hook (tests only; see {@link CrashPoints}). */
  void crashPoints(CrashPoints points) {
    crashPoints = points;
  }

  @Override
  public void run() {
    try {
      while (closing.getCount() > 0) {
        int published;
        try {
          published = round();
          if (failures > 0) {
            log.info("Turn-last scheduler recovered after {} failed rounds", failures);
            failures = 0;
          }
          status.running();
        } catch (RuntimeException e) {
          if (CompletedTraceWriter.isFatal(e)) {
            throw e;
          }
          status.retrying(e);
          if (failures++ == 0) {
            log.warn(
                "Publishing due turn-last triggers failed; retrying every {}",
                settings.retryBackoff(),
                e);
          } else {
            log.warn("Publishing due triggers failed again (attempt {}): {}", failures, e.toString());
          }
          closeProducer(); // the next round starts a new one and re-reads the marker
          closing.await(settings.retryBackoff().toMillis(), TimeUnit.MILLISECONDS);
          continue;
        }
        if (published < settings.lastTurnBatchSize()) {
          closing.await(settings.lastTurnPollInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      status.failed(e);
      log.error(
          "Turn-last scheduler stopped by a fatal error (transactional.id {})",
          settings.lastTurnTransactionalId(),
          e);
    } finally {
      closeProducer();
      status.stopped();
    }
  }

  /** One round; returns how many triggers it claimed and published. */
  private int round() {
    if (!rules.isLoaded()) {
      return 0;
    }
    if (producer == null) {
      producer = newProducer();
      markerGroup = newMarkerGroupMember();
      marker = readMarker();
    }
    List<EvaluationTrigger> due =
        pending.claim(
            settings.instanceId(),
            marker,
            marker,
            clock.millis(),
            settings.lastTurnBatchSize(),
            rules::isActiveLastRule);
    if (due.isEmpty()) {
      return 0;
    }
    crashPoints.reached("last-turn.after-claim");
    producer.beginTransaction();
    due.forEach(producer::send);
    producer.sendOffsetsToTransaction(
        Map.of(MARKER_PARTITION, new OffsetAndMetadata(marker + 1)),
        markerGroup.groupMetadata());
    producer.commitTransaction();
    crashPoints.reached("last-turn.after-kafka-commit");
    marker++;
    metrics.triggersFiredPerRule(due);
    try {
      pending.dropPublished(settings.instanceId(), marker);
    } catch (RuntimeException e) {
      // the next round drops them
      log.debug("Cannot drop published claims yet: {}", e.toString());
    }
    log.debug("Published {} turn-last triggers (marker {})", due.size(), marker);
    return due.size();
  }

  /**
   * A consumer of the marker group that never subscribes: its {@code groupMetadata()} (no
   * generation, no member id) lets the producer commit offsets for the group, and {@code
   * committed} reads them back ({@code read_committed}: waits for a pending transactional commit).
   */
  private Consumer<byte[], byte[]> newMarkerGroupMember() {
    Map<String, Object> config =
        KafkaClients.consumer(
            kafka,
            settings.lastTurnMarkerGroupId(),
            "tracefold-rollup-sink-last-turn-" + settings.instanceId() + "-marker",
            1);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
    return new KafkaConsumer<>(config);
  }

  /** The committed marker: what the marker group committed on partition 0, or 0. */
  private long readMarker() {
    OffsetAndMetadata offset =
        markerGroup.committed(Set.of(MARKER_PARTITION), MARKER_READ_TIMEOUT).get(MARKER_PARTITION);
    return offset == null ? 0 : offset.offset();
  }

  private TriggerProducer newProducer() {
    return TriggerProducer.start(
        kafka,
        "tracefold-rollup-sink-last-turn-" + settings.instanceId(),
        settings.lastTurnTransactionalId(),
        metrics);
  }

  private void closeProducer() {
    if (producer != null) {
      producer.close();
      producer = null;
    }
    if (markerGroup != null) {
      try {
        markerGroup.close();
      } catch (RuntimeException e) {
        log.warn("Closing the turn-last marker consumer failed", e);
      }
      markerGroup = null;
    }
  }

  /** Stops the worker after its current round. */
  @Override
  public void close() {
    closing.countDown();
  }
}

package dev.tracefold.sink;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.store.evaluation.PendingTriggerStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *       completes a transaction an earlier incarnation left open; then the marker {@code c} is
 *       read: the offset committed by group {@link SinkSettings#lastTurnMarkerGroupId()} on {@code
 *       tracefold.evaluation.triggers} partition 0 (read by a {@code read_committed} consumer of
 *       that group, which never subscribes; 0 when none);
 *   <li>each round: {@link PendingTriggerStore#claim} with sequence {@code c} (drops claims below
 *       {@code c}, re-claims those at or above it, claims the due ones and records them as fired);
 *       then one Kafka transaction sends them (key {@code projectId/traceId}) and commits offset
 *       {@code c + 1} for the marker group ({@code sendOffsetsToTransaction} with that consumer's
 *       group metadata, which has no generation: no consumer ever joins the group); then {@code c =
 *       c + 1} and the published claims are deleted.
 * </ol>
 *
 * <p><b>Why a trigger is published once.</b> A claim at {@code c} becomes visible to {@code
 * read_committed} readers in the same Kafka transaction as marker {@code c + 1}. If that
 * transaction aborts, or the instance dies before, during or after it, the marker and the triggers
 * go together: after the restart, marker {@code c + 1} means the claims at {@code c} were published
 * (they are dropped, not sent again); marker {@code c} means they were not (they are re-claimed and
 * sent). A zombie incarnation cannot commit after a new one started: {@code initTransactions}
 * fenced its producer epoch. The same instance id must therefore never run twice at once (as for
 * the completed-trace writer); claims of an instance that never comes back stay in the table,
 * recorded as fired but unpublished, until an instance with its id starts.
 *
 * <p>A due trigger whose rule was deleted, disabled or changed to another turn is dropped unfired.
 * Thread-safety: {@link #run()} runs on one thread; {@link #close()} may be called from any.
 */
final class LastTurnScheduler extends SinkWorker {
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
  private TriggerProducer producer; // only touched by the worker thread
  private Consumer<byte[], byte[]> markerGroup; // open while producer is; worker thread only
  private long marker; // the committed marker c; valid while producer != null
  private final CrashPoints crashPoints;

  LastTurnScheduler(
      SinkSettings settings,
      KafkaSettings kafka,
      PendingTriggerStore pending,
      RuleCache rules,
      SinkMetrics metrics,
      Clock clock,
      CrashPoints crashPoints) {
    super("Turn-last scheduler", settings.retryBackoff(), metrics::lastTurnFailed);
    this.crashPoints = crashPoints;
    this.settings = settings;
    this.kafka = kafka;
    this.pending = pending;
    this.rules = rules;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  Duration cycle() {
    int published = round();
    return published < settings.lastTurnBatchSize()
        ? settings.lastTurnPollInterval()
        : Duration.ZERO;
  }

  /** The next round starts a new producer and re-reads the marker. */
  @Override
  void afterFailure(RuntimeException failure) {
    closeProducer();
  }

  @Override
  boolean isFatal(RuntimeException failure) {
    return TriggerProducer.isFatal(failure);
  }

  @Override
  void stop() {
    closeProducer();
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
    crashPoints.reached(CrashPoints.Point.LAST_TURN_AFTER_CLAIM);
    producer.beginTransaction();
    due.forEach(producer::send);
    producer.sendOffsetsToTransaction(
        Map.of(MARKER_PARTITION, new OffsetAndMetadata(marker + 1)), markerGroup.groupMetadata());
    producer.commitTransaction();
    crashPoints.reached(CrashPoints.Point.LAST_TURN_AFTER_KAFKA_COMMIT);
    marker++;
    metrics.triggersFired(due);
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
   * generation, no member id) lets the producer commit offsets for the group, and {@code committed}
   * reads them back ({@code read_committed}: waits for a pending transactional commit).
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
}

package dev.tracefold.sink;

import dev.tracefold.schemas.EvaluationTrigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The rollup sink's meters, counted through its methods. Labels are bounded: {@code writer} is
 * {@code spans}, {@code completed} or {@code last-turn}. Thread-safe.
 *
 * <ul>
 *   <li>{@code tracefold.sink.spans.written}: span records written to the store (replays included)
 *   <li>{@code tracefold.sink.traces.updated}: in-progress trace rows changed by new spans
 *   <li>{@code tracefold.sink.completed.written}: completed trace revisions written (rollup stored
 *       or already stored) and committed
 *   <li>{@code tracefold.sink.stale.revisions.skipped}: completed revisions older than the stored
 *       one, whose rollup was not written
 *   <li>{@code tracefold.sink.completed.rejected}: completed-trace records skipped because they
 *       cannot be decoded, are invalid or the store refuses their data
 *   <li>{@code tracefold.sink.triggers.fired}: evaluation triggers committed to Kafka
 *   <li>{@code tracefold.sink.rule.triggers.fired} (tag {@code rule_id}): the same, per rule (one
 *       series per rule that fired since start)
 *   <li>{@code tracefold.sink.rule.evaluation} (timer): judging one completed revision against
 *       every rule and queue of its project
 *   <li>{@code tracefold.sink.sampling.skipped} (tags {@code kind} = {@code rule} or {@code queue},
 *       {@code id}): traces a filter matched but sampling left out
 *   <li>{@code tracefold.sink.pending.triggers} (gauge): turn-last triggers waiting for their delay
 *   <li>{@code tracefold.sink.dlq.records}: span records sent to {@code tracefold.spans.dlq}
 *   <li>{@code tracefold.sink.write.latency} (timer, tag {@code writer}): one store write
 *   <li>{@code tracefold.sink.write.failures} (tag {@code writer}): batches that failed and are
 *       retried
 * </ul>
 */
final class SinkMetrics {
  private final MeterRegistry registry;
  private final Counter spansWritten;
  private final Counter tracesUpdated;
  private final Counter completedWritten;
  private final Counter staleRevisionsSkipped;
  private final Counter completedRejected;
  private final Counter triggersFired;
  private final Counter dlqRecords;
  private final Timer ruleEvaluation;
  private final Timer spansWriteLatency;
  private final Timer completedWriteLatency;
  private final Counter spansWriteFailures;
  private final Counter completedWriteFailures;
  private final Counter lastTurnFailures;

  SinkMetrics(MeterRegistry registry) {
    this.registry = registry;
    spansWritten =
        Counter.builder("tracefold.sink.spans.written")
            .description("Span records written to the store, replays included")
            .register(registry);
    tracesUpdated =
        Counter.builder("tracefold.sink.traces.updated")
            .description("In-progress trace rows changed by new spans")
            .register(registry);
    completedWritten =
        Counter.builder("tracefold.sink.completed.written")
            .description("Completed trace revisions written and committed")
            .register(registry);
    staleRevisionsSkipped =
        Counter.builder("tracefold.sink.stale.revisions.skipped")
            .description("Completed revisions older than the stored one")
            .register(registry);
    completedRejected =
        Counter.builder("tracefold.sink.completed.rejected")
            .description("Completed-trace records skipped: undecodable, invalid or refused")
            .register(registry);
    triggersFired =
        Counter.builder("tracefold.sink.triggers.fired")
            .description("Evaluation triggers committed to Kafka")
            .register(registry);
    dlqRecords =
        Counter.builder("tracefold.sink.dlq.records")
            .description("Span records sent to the dead-letter topic")
            .register(registry);
    ruleEvaluation =
        Timer.builder("tracefold.sink.rule.evaluation")
            .description("Judging one completed revision against its project's rules and queues")
            .publishPercentileHistogram()
            .register(registry);
    spansWriteLatency = writeLatency(registry, "spans");
    completedWriteLatency = writeLatency(registry, "completed");
    spansWriteFailures = writeFailures(registry, "spans");
    completedWriteFailures = writeFailures(registry, "completed");
    lastTurnFailures = writeFailures(registry, "last-turn");
  }

  /**
   * Counts a span batch the store took.
   *
   * @param spans span records written (replays included)
   * @param tracesChanged trace rows the batch changed
   * @param nanos how long the store write took, ns (0: not timed, as for a single-span retry)
   */
  void spansStored(int spans, int tracesChanged, long nanos) {
    spansWritten.increment(spans);
    tracesUpdated.increment(tracesChanged);
    if (nanos > 0) {
      spansWriteLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Counts span records sent to the dead-letter topic. */
  void spansDeadLettered(int records) {
    dlqRecords.increment(records);
  }

  /** Times one store write of completed revisions (one transaction), ns. */
  void completedStoreTook(long nanos) {
    completedWriteLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Counts a committed batch of completed-trace records.
   *
   * @param written revisions stored (or already stored)
   * @param stale revisions older than the stored one
   * @param rejected records skipped (undecodable, invalid, refused)
   * @param triggers the triggers committed with it
   */
  void completedCommitted(int written, int stale, int rejected, List<EvaluationTrigger> triggers) {
    completedWritten.increment(written);
    staleRevisionsSkipped.increment(stale);
    completedRejected.increment(rejected);
    triggersFired(triggers);
  }

  /** Times judging one completed revision against its project's rules and queues, ns. */
  void ruleEvaluationTook(long nanos) {
    ruleEvaluation.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts a failed span batch (it is retried). */
  void spanWriteFailed() {
    spansWriteFailures.increment();
  }

  /** Counts a failed batch of completed-trace records (it is retried). */
  void completedWriteFailed() {
    completedWriteFailures.increment();
  }

  /** Counts a failed round of the turn-last scheduler (it is retried). */
  void lastTurnFailed() {
    lastTurnFailures.increment();
  }

  /** Counts committed triggers: the total and per rule. */
  void triggersFired(List<EvaluationTrigger> triggers) {
    triggersFired.increment(triggers.size());
    Map<String, Integer> perRule = new HashMap<>();
    triggers.forEach(t -> perRule.merge(t.getRuleId(), 1, Integer::sum));
    perRule.forEach(this::ruleTriggersFired);
  }

  private void ruleTriggersFired(String ruleId, int count) {
    Counter.builder("tracefold.sink.rule.triggers.fired")
        .description("Evaluation triggers committed to Kafka, per rule")
        .tag("rule_id", ruleId)
        .register(registry)
        .increment(count);
  }

  /** Counts a trace that a rule's or queue's filter matched but its sampling left out. */
  void samplingSkipped(String kind, String id) {
    Counter.builder("tracefold.sink.sampling.skipped")
        .description("Traces a filter matched but sampling left out")
        .tag("kind", kind)
        .tag("id", id)
        .register(registry)
        .increment();
  }

  /** Registers the gauge of turn-last triggers waiting, read by {@code waiting}. */
  void pendingTriggers(Supplier<Number> waiting) {
    Gauge.builder("tracefold.sink.pending.triggers", waiting)
        .description("Turn-last triggers waiting for their delay")
        .register(registry);
  }

  /**
   * Publishes a Kafka client's own metrics ({@code kafka_consumer_*}, {@code kafka_producer_*},
   * tagged {@code client_id}) until the returned binder is closed; close it with the client.
   */
  KafkaClientMetrics bind(Consumer<?, ?> consumer) {
    KafkaClientMetrics binder = new KafkaClientMetrics(consumer);
    binder.bindTo(registry);
    return binder;
  }

  /** Same as {@link #bind(Consumer)} for a producer. */
  KafkaClientMetrics bind(Producer<?, ?> producer) {
    KafkaClientMetrics binder = new KafkaClientMetrics(producer);
    binder.bindTo(registry);
    return binder;
  }

  private static Timer writeLatency(MeterRegistry registry, String writer) {
    return Timer.builder("tracefold.sink.write.latency")
        .description("Duration of one store write")
        .tag("writer", writer)
        .publishPercentileHistogram()
        .register(registry);
  }

  private static Counter writeFailures(MeterRegistry registry, String writer) {
    return Counter.builder("tracefold.sink.write.failures")
        .description("Batches that failed and are retried")
        .tag("writer", writer)
        .register(registry);
  }
}

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
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The rollup sink's meters. Labels are bounded: {@code writer} is {@code spans} or {@code
 * completed}. Thread-safe.
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
  final Counter spansWritten;
  final Counter tracesUpdated;
  final Counter completedWritten;
  final Counter staleRevisionsSkipped;
  final Counter completedRejected;
  final Counter triggersFired;
  final Counter dlqRecords;
  final Timer ruleEvaluation;
  final Timer spansWriteLatency;
  final Timer completedWriteLatency;
  final Counter spansWriteFailures;
  final Counter completedWriteFailures;

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
  }

  /** Counts committed triggers: the total and per rule. */
  void triggersFiredPerRule(List<EvaluationTrigger> triggers) {
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

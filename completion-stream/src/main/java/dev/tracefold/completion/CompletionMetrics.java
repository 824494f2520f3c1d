package dev.tracefold.completion;

import dev.tracefold.schemas.CompletionReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Meters of the completion stream. Prometheus names (Micrometer's rendering):
 *
 * <ul>
 *   <li>{@code tracefold_completion_buffered_traces}, {@code tracefold_completion_buffered_spans}:
 *       open traces and their spans held in state, over this process's tasks;
 *   <li>{@code tracefold_completion_state_span_bytes}: encoded bytes of every span held in state
 *       (open traces and completed ones kept for late spans); RocksDB's own figures come with Kafka
 *       Streams' metrics ({@code kafka_stream_state_*});
 *   <li>{@code tracefold_completion_completions_total{reason}}: emitted revisions by reason;
 *   <li>{@code tracefold_completion_late_spans_total}, {@code
 *       tracefold_completion_reopened_traces_total}, {@code
 *       tracefold_completion_duplicate_spans_total}, {@code
 *       tracefold_completion_dlq_records_total};
 *   <li>{@code tracefold_completion_lag_seconds}: histogram of emit time - the time the trace was
 *       due (last span arrival + quiet window for QUIET, the later of root and last arrival + root
 *       grace for ROOT completions);
 *   <li>{@code tracefold_completion_root_waits_total}: root-aware completions held back because a
 *       span's parent had not arrived (the trace then waits for its quiet window or a new span);
 *   <li>{@code tracefold_completion_punctuation_seconds}: duration of one punctuation;
 *   <li>{@code tracefold_completion_clock_behind_seconds}: how far the completion clock of this
 *       process's most lagging task is behind the wall clock, at its latest punctuation: about the
 *       clock grace when caught up, the stream's lag in time when it runs behind its input.
 * </ul>
 *
 * Thread-safe.
 */
public final class CompletionMetrics {
  private final AtomicLong bufferedTraces = new AtomicLong();
  private final AtomicLong bufferedSpans = new AtomicLong();
  private final AtomicLong stateSpanBytes = new AtomicLong();
  private final Map<CompletionReason, Counter> completions = new EnumMap<>(CompletionReason.class);
  private final Counter lateSpans;
  private final Counter reopenedTraces;
  private final Counter duplicateSpans;
  private final Counter dlqRecords;
  private final Counter rootWaits;
  private final Timer completionLag;
  private final Timer punctuation;
  private final Map<String, Long> clockBehindMillisByTask = new ConcurrentHashMap<>();

  /** Registers the meters in {@code registry}. */
  public CompletionMetrics(MeterRegistry registry) {
    Gauge.builder("tracefold.completion.buffered.traces", bufferedTraces, AtomicLong::get)
        .description("Open traces buffered in state")
        .register(registry);
    Gauge.builder("tracefold.completion.buffered.spans", bufferedSpans, AtomicLong::get)
        .description("Spans of open traces buffered in state")
        .register(registry);
    Gauge.builder("tracefold.completion.state.span.bytes", stateSpanBytes, AtomicLong::get)
        .description("Encoded bytes of the spans held in state")
        .baseUnit("bytes")
        .register(registry);
    for (CompletionReason reason : CompletionReason.values()) {
      completions.put(
          reason,
          Counter.builder("tracefold.completion.completions")
              .description("Completed trace revisions emitted")
              .tag("reason", reason.name())
              .register(registry));
    }
    lateSpans =
        Counter.builder("tracefold.completion.late.spans")
            .description("Spans that arrived for an already completed trace")
            .register(registry);
    reopenedTraces =
        Counter.builder("tracefold.completion.reopened.traces")
            .description("Completed traces reopened by a late span")
            .register(registry);
    duplicateSpans =
        Counter.builder("tracefold.completion.duplicate.spans")
            .description("Spans dropped because their span id was already buffered")
            .register(registry);
    dlqRecords =
        Counter.builder("tracefold.completion.dlq.records")
            .description("Undecodable records sent to tracefold.spans.dlq")
            .register(registry);
    rootWaits =
        Counter.builder("tracefold.completion.root.waits")
            .description("Root-aware completions held back because a span's parent had not arrived")
            .register(registry);
    completionLag =
        Timer.builder("tracefold.completion.lag")
            .description("Emit time minus the time the trace was due (QUIET and ROOT completions)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(1))
            .register(registry);
    punctuation =
        Timer.builder("tracefold.completion.punctuation")
            .description("Duration of one wall-clock punctuation")
            .register(registry);
    Gauge.builder("tracefold.completion.clock.behind", this, CompletionMetrics::clockBehindSeconds)
        .description("Wall clock minus the completion clock of the most lagging task")
        .baseUnit("seconds")
        .register(registry);
  }

  /** Records a task's wall clock minus completion clock, ms, at a punctuation. */
  void clockBehind(String taskId, long millis) {
    clockBehindMillisByTask.put(taskId, millis);
  }

  /** Drops a closed task from the clock gauge. */
  void forgetTask(String taskId) {
    if (taskId != null) {
      clockBehindMillisByTask.remove(taskId);
    }
  }

  private double clockBehindSeconds() {
    return clockBehindMillisByTask.values().stream().mapToLong(Long::longValue).max().orElse(0)
        / 1000.0;
  }

  void completed(CompletionReason reason) {
    completions.get(reason).increment();
  }

  /** Moves the buffered-trace gauges: open traces and the spans they hold, by these deltas. */
  void bufferedChanged(long traces, long spans) {
    bufferedTraces.addAndGet(traces);
    bufferedSpans.addAndGet(spans);
  }

  /** Moves the state-bytes gauge by {@code bytes} (negative when spans leave the state). */
  void stateBytesChanged(long bytes) {
    stateSpanBytes.addAndGet(bytes);
  }

  /** Counts a late span that reopened a completed or expired trace. */
  void lateSpanReopened() {
    lateSpans.increment();
    reopenedTraces.increment();
  }

  /** Counts a span already buffered for its trace. */
  void duplicateSpan() {
    duplicateSpans.increment();
  }

  /** Counts a record sent to the dead-letter topic. */
  void deadLettered() {
    dlqRecords.increment();
  }

  /** Counts a root-aware completion held back by a missing parent. */
  void rootWaited() {
    rootWaits.increment();
  }

  /** Records how long after its due time a trace was completed. */
  void completedLate(Duration lag) {
    completionLag.record(lag);
  }

  /** Times one punctuation, ns. */
  void punctuated(long nanos) {
    punctuation.record(nanos, TimeUnit.NANOSECONDS);
  }
}

package dev.tracefold.completion;

import dev.tracefold.completion.state.TraceBuffer;
import dev.tracefold.completion.state.TracePhase;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers spans per trace and emits a {@link CompletedTrace} once the trace has been quiet for its
 * quiet window, measured on the wall clock. One instance per stream task; not thread-safe (Kafka
 * Streams calls it from one thread).
 *
 * <p>Stores (all persistent RocksDB with changelogs, so a crash or rebalance restores them):
 *
 * <ul>
 *   <li>{@value CompletionTopology#SPANS_STORE}: key {@code projectId/traceId/spanId}; value the
 *       first {@link Span} received with that id (later copies are duplicates and dropped);
 *   <li>{@value CompletionTopology#STATES_STORE}: key {@code projectId/traceId}; value {@link
 *       TraceBuffer}: phase, last revision, arrival times (wall clock, epoch ms), deadline, counts;
 *       it outlives the spans by {@code tombstone-retention} so late spans continue the revisions;
 *   <li>{@value CompletionTopology#DEADLINES_STORE}: key deadline (8 bytes big-endian epoch ms) +
 *       trace key, value empty: the deadline index, so a punctuation visits only due traces.
 * </ul>
 *
 * <p>The punctuator is {@link PunctuationType#WALL_CLOCK_TIME}: a trace completes even when no
 * further record arrives on its partition (stream time would stall there). Deadlines are stored,
 * so after a restart traces complete on their original schedule (last arrival + window).
 */
final class TraceCompletionProcessor implements Processor<byte[], byte[], byte[], byte[]> {
  private static final Logger log = LoggerFactory.getLogger(TraceCompletionProcessor.class);
  private static final AvroSerde<Span> SPAN_SERDE = (AvroSerde<Span>) Topics.SPANS.valueSerde();
  private static final AvroSerde<CompletedTrace> COMPLETED_SERDE =
      (AvroSerde<CompletedTrace>) Topics.COMPLETED_TRACES.valueSerde();
  private static final StringSerializer KEYS = new StringSerializer();
  private static final byte[] EMPTY = new byte[0];

  private final CompletionSettings settings;
  private final CompletionMetrics metrics;
  private ProcessorContext<byte[], byte[]> context;
  private KeyValueStore<String, Span> spans;
  private KeyValueStore<String, TraceBuffer> states;
  private KeyValueStore<Bytes, byte[]> deadlines;
  private Cancellable punctuator;
  private long ownOpenTraces;
  private long ownOpenSpans;
  private long ownStateSpanBytes;
  /**
   * Where the next punctuation starts its deadline scan: every index entry below it was deleted by
   * an earlier punctuation, unless {@link #moveDeadline} lowered it. Starting there instead of at 0
   * keeps the scan off the tombstones RocksDB holds for the deleted entries until compaction (one
   * per span arrival and per completion), which otherwise every punctuation would step over.
   * In memory only: after a restart the first punctuation scans from 0.
   */
  private long scanFromEpochMillis;

  TraceCompletionProcessor(CompletionSettings settings, CompletionMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    this.spans = context.getStateStore(CompletionTopology.SPANS_STORE);
    this.states = context.getStateStore(CompletionTopology.STATES_STORE);
    this.deadlines = context.getStateStore(CompletionTopology.DEADLINES_STORE);
    try (KeyValueIterator<String, TraceBuffer> all = states.all()) {
      while (all.hasNext()) {
        TraceBuffer buffer = all.next().value;
        if (buffer.getPhase() == TracePhase.OPEN) {
          adjustOpen(1, buffer.getSpanCount());
        }
        adjustStateBytes(buffer.getSpanBytes());
      }
    }
    punctuator =
        context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    Span span;
    try {
      span = SPAN_SERDE.decode(record.value() == null ? EMPTY : record.value());
    } catch (SerializationException e) {
      toDeadLetters(record, e);
      return;
    }
    String traceKey = new TraceKey(span.getProjectId(), span.getTraceId()).toString();
    String spanKey = traceKey + "/" + span.getSpanId();
    if (spans.get(spanKey) != null) {
      metrics.duplicateSpans.increment();
      return;
    }
    long now = context.currentSystemTimeMs();
    TraceBuffer buffer = states.get(traceKey);
    if (buffer == null) {
      buffer = TraceBuffer.newBuilder()
          .setPhase(TracePhase.OPEN).setRevision(0).setOpenedEpochMillis(now)
          .setLastArrivalEpochMillis(now).setDeadlineEpochMillis(Long.MAX_VALUE)
          .setSpanCount(0).setSpanBytes(0).setPartial(false).build();
      adjustOpen(1, 0);
    } else if (buffer.getPhase() != TracePhase.OPEN) {
      // a late span: COMPLETED still holds the earlier spans; EXPIRED purged them (partial revision)
      metrics.lateSpans.increment();
      metrics.reopenedTraces.increment();
      if (buffer.getPhase() == TracePhase.EXPIRED) {
        buffer.setPartial(true);
      }
      buffer.setPhase(TracePhase.OPEN);
      buffer.setOpenedEpochMillis(now);
      adjustOpen(1, buffer.getSpanCount());
      log.debug("Late span {} reopens trace {} after revision {}", span.getSpanId(), traceKey, buffer.getRevision());
    }
    byte[] encoded = SPAN_SERDE.encode(span);
    spans.put(spanKey, span);
    buffer.setSpanCount(buffer.getSpanCount() + 1);
    buffer.setSpanBytes(buffer.getSpanBytes() + encoded.length);
    adjustStateBytes(encoded.length);
    buffer.setLastArrivalEpochMillis(now);
    adjustOpen(0, 1);

    CompletionReason cap = capReached(buffer);
    if (cap != null) {
      complete(traceKey, buffer, cap, now);
    } else {
      long quietDeadline = now + quietWindowMillis(span.getProjectId());
      long lifetimeDeadline = buffer.getOpenedEpochMillis() + settings.maxTraceLifetime().toMillis();
      moveDeadline(traceKey, buffer, Math.min(quietDeadline, lifetimeDeadline));
    }
    states.put(traceKey, buffer);
  }

  private CompletionReason capReached(TraceBuffer buffer) {
    if (buffer.getSpanCount() >= settings.maxSpansPerTrace()) {
      return CompletionReason.MAX_SPANS;
    }
    if (buffer.getSpanBytes() >= settings.maxTraceBytes()) {
      return CompletionReason.MAX_BYTES;
    }
    return null;
  }

  private void punctuate(long now) {
    long started = System.nanoTime();
    List<Bytes> dueKeys = new ArrayList<>();
    long from = scanFromEpochMillis;
    scanFromEpochMillis = now + 1;
    try (KeyValueIterator<Bytes, byte[]> it = deadlines.range(DeadlineKeys.bound(from), DeadlineKeys.bound(now + 1))) {
      it.forEachRemaining(entry -> dueKeys.add(entry.key));
    }
    for (Bytes dueKey : dueKeys) {
      deadlines.delete(dueKey);
      String traceKey = DeadlineKeys.traceKey(dueKey);
      TraceBuffer buffer = states.get(traceKey);
      if (buffer == null || buffer.getDeadlineEpochMillis() > now) {
        continue; // stale index entry: the trace moved on
      }
      switch (buffer.getPhase()) {
        case OPEN -> {
          String projectId = TraceKey.parse(traceKey).projectId();
          boolean quiet = buffer.getLastArrivalEpochMillis() + quietWindowMillis(projectId) <= now;
          complete(traceKey, buffer, quiet ? CompletionReason.QUIET : CompletionReason.MAX_LIFETIME, now);
          states.put(traceKey, buffer);
        }
        case COMPLETED -> {
          purgeSpans(traceKey);
          adjustStateBytes(-buffer.getSpanBytes());
          buffer.setPhase(TracePhase.EXPIRED);
          buffer.setSpanCount(0);
          buffer.setSpanBytes(0);
          moveDeadline(traceKey, buffer, now + settings.tombstoneRetention().toMillis());
          states.put(traceKey, buffer);
        }
        case EXPIRED -> states.delete(traceKey);
      }
    }
    metrics.punctuation.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Emits the next revision and moves the trace to COMPLETED; the caller stores {@code buffer}. */
  private void complete(String traceKey, TraceBuffer buffer, CompletionReason reason, long now) {
    TraceKey key = TraceKey.parse(traceKey);
    List<Span> traceSpans = new ArrayList<>(buffer.getSpanCount());
    try (KeyValueIterator<String, Span> it = spans.prefixScan(traceKey + "/", KEYS)) {
      it.forEachRemaining(kv -> traceSpans.add(kv.value));
    }
    traceSpans.sort(Comparator.comparingLong(Span::getStartEpochNanos).thenComparing(Span::getSpanId));
    TraceRollup rollup = TraceRollups.compute(key.projectId(), key.traceId(), traceSpans);
    int revision = buffer.getRevision() + 1;
    CompletedTrace completed = CompletedTrace.newBuilder()
        .setProjectId(key.projectId())
        .setTraceId(key.traceId())
        .setRevision(revision)
        .setCompletionReason(reason)
        .setPartial(buffer.getPartial())
        .setFirstArrivalEpochMillis(buffer.getOpenedEpochMillis())
        .setLastArrivalEpochMillis(buffer.getLastArrivalEpochMillis())
        .setCompletedEpochMillis(now)
        .setRollup(rollup)
        .setSpans(traceSpans)
        .build();
    context.forward(
        new Record<>(traceKey.getBytes(StandardCharsets.UTF_8), COMPLETED_SERDE.encode(completed), now),
        CompletionTopology.COMPLETED_SINK);
    metrics.completed(reason);
    if (reason == CompletionReason.QUIET) {
      long dueAt = buffer.getLastArrivalEpochMillis() + quietWindowMillis(key.projectId());
      metrics.completionLag.record(Duration.ofMillis(Math.max(0, now - dueAt)));
    }
    adjustOpen(-1, -buffer.getSpanCount());
    buffer.setRevision(revision);
    buffer.setPhase(TracePhase.COMPLETED);
    moveDeadline(traceKey, buffer, now + settings.completedRetention().toMillis());
  }

  private void purgeSpans(String traceKey) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, Span> it = spans.prefixScan(traceKey + "/", KEYS)) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(spans::delete);
  }

  private void moveDeadline(String traceKey, TraceBuffer buffer, long deadlineEpochMillis) {
    if (buffer.getDeadlineEpochMillis() != Long.MAX_VALUE) {
      deadlines.delete(DeadlineKeys.of(buffer.getDeadlineEpochMillis(), traceKey));
    }
    buffer.setDeadlineEpochMillis(deadlineEpochMillis);
    deadlines.put(DeadlineKeys.of(deadlineEpochMillis, traceKey), EMPTY);
    scanFromEpochMillis = Math.min(scanFromEpochMillis, deadlineEpochMillis);
  }

  private long quietWindowMillis(String projectId) {
    return settings.quietWindowFor(projectId).toMillis();
  }

  private void toDeadLetters(Record<byte[], byte[]> record, SerializationException error) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.add("tracefold.error.class", error.getClass().getName().getBytes(StandardCharsets.UTF_8));
    headers.add("tracefold.error.message", String.valueOf(error.getMessage()).getBytes(StandardCharsets.UTF_8));
    context.recordMetadata().ifPresent(meta -> {
      headers.add("tracefold.source.topic", meta.topic().getBytes(StandardCharsets.UTF_8));
      headers.add("tracefold.source.partition", Integer.toString(meta.partition()).getBytes(StandardCharsets.UTF_8));
      headers.add("tracefold.source.offset", Long.toString(meta.offset()).getBytes(StandardCharsets.UTF_8));
    });
    context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), CompletionTopology.DLQ_SINK);
    metrics.dlqRecords.increment();
    log.warn("Undecodable record sent to {}: {}", Topics.SPANS_DLQ.name(), error.getMessage());
  }

  private void adjustOpen(long traces, long spanCount) {
    ownOpenTraces += traces;
    ownOpenSpans += spanCount;
    metrics.bufferedTraces.addAndGet(traces);
    metrics.bufferedSpans.addAndGet(spanCount);
  }

  private void adjustStateBytes(long bytes) {
    ownStateSpanBytes += bytes;
    metrics.stateSpanBytes.addAndGet(bytes);
  }

  @Override
  public void close() {
    if (punctuator != null) {
      punctuator.cancel();
    }
    metrics.bufferedTraces.addAndGet(-ownOpenTraces);
    metrics.bufferedSpans.addAndGet(-ownOpenSpans);
    metrics.stateSpanBytes.addAndGet(-ownStateSpanBytes);
  }
}

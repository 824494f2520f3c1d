package dev.tracefold.completion;

import dev.tracefold.completion.state.TraceBuffer;
import dev.tracefold.completion.state.TracePhase;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.schemas.topic.TraceKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * quiet window, measured in <b>ingest time</b> (when Kafka accepted each span: the record timestamp
 * of {@code tracefold.spans}) against the task's {@link CompletionClock}, which follows the wall
 * clock only as far as {@link InputProgress} shows the task has processed its partition. One
 * instance per stream task (= one partition of {@code tracefold.spans}); not thread-safe (Kafka
 * Streams calls it from one thread).
 *
 * <p>Stores (all persistent RocksDB with changelogs, so a crash or rebalance restores them):
 *
 * <ul>
 *   <li>{@value CompletionTopology#SPANS_STORE}: key {@code projectId/traceId/spanId}; value the
 *       record value of the first span received with that id, as produced (Avro single-object
 *       encoding of {@link Span}; later copies are duplicates and dropped). Spans are decoded only
 *       when their trace completes;
 *   <li>{@value CompletionTopology#STATES_STORE}: key {@code projectId/traceId}; value {@link
 *       TraceBuffer}: phase, last revision, arrival times (ingest time, epoch ms), the time of its
 *       deadline index entry, counts; it outlives the spans by {@code tombstone-retention} so late
 *       spans continue the revisions;
 *   <li>{@value CompletionTopology#DEADLINES_STORE}: key time (8 bytes big-endian epoch ms, ingest
 *       time) + trace key, value empty: the deadline index, so a punctuation visits only due
 *       traces. An open trace's entry is written once per open period, at its first possible
 *       deadline, and moved only when the punctuation finds that later spans pushed the deadline on
 *       (a lazy timer): a span costs no index write.
 * </ul>
 *
 * <p><b>Root-aware completion</b> ({@link RootAwareSettings}): once a trace's root span (no parent)
 * has arrived, it is due {@code root-grace} after the later of the root's and the last span's
 * arrival; at that deadline it completes (reason ROOT) if every buffered span's parent is buffered
 * too, otherwise it waits for its quiet window (or a new span, which allows another attempt). A
 * trace that came as one native JSON document completes (DOCUMENT) as soon as the document's span
 * count ({@link dev.tracefold.schemas.topic.SpanHeaders#DOCUMENT_SPAN_COUNT}) has arrived.
 *
 * <p>A span that arrives a quiet window (or the lifetime cap) after its open trace's deadline
 * completes that trace before it is taken as a late span, even when both are processed in one go,
 * so the decisions never depend on when the punctuator happens to run.
 *
 * <p>Per span: one read and one write of {@code trace-spans} (the raw bytes, no Avro decode when
 * the record carries the {@link dev.tracefold.schemas.topic.SpanHeaders} the gateway sets), one
 * read and one write of {@code trace-states} (cached: written through once per commit).
 *
 * <p>The punctuator is {@link PunctuationType#WALL_CLOCK_TIME}: a trace completes even when no
 * further record arrives on its partition (its completion clock then follows the wall clock).
 * Deadlines are stored in ingest time, so a restarted or lagging stream completes every trace on
 * the timeline of its spans' arrivals, as it would have in real time.
 */
final class TraceCompletionProcessor implements Processor<byte[], byte[], byte[], byte[]> {
  private static final Logger log = LoggerFactory.getLogger(TraceCompletionProcessor.class);
  private static final AvroSerde<Span> SPAN_SERDE = (AvroSerde<Span>) Topics.SPANS.valueSerde();

  /** Decodes a buffered span up to the last field a rollup reads of a span other than the root. */
  private static final AvroSerde<Span> LEADING_FIELDS =
      SPAN_SERDE.withFieldsUpTo(TraceRollups.LAST_FIELD_READ_OF_EVERY_SPAN);

  private static final StringSerializer KEYS = new StringSerializer();
  private static final byte[] EMPTY = new byte[0];
  private static final Comparator<Span> START_ORDER =
      Comparator.comparingLong(Span::getStartEpochNanos).thenComparing(Span::getSpanId);

  private final CompletionSettings settings;
  private final CompletionMetrics metrics;
  private final InputProgress progress;

  /** The offset after the last record processed since start; -1 before the first. */
  private long position = -1;

  private int partition;
  private ProcessorContext<byte[], byte[]> context;
  private KeyValueStore<String, byte[]> spans;
  private KeyValueStore<String, TraceBuffer> states;
  private KeyValueStore<Bytes, byte[]> deadlines;
  private CompletionClock clock;
  private String taskId;
  private Cancellable punctuator;
  private long ownOpenTraces;
  private long ownOpenSpans;
  private long ownStateSpanBytes;

  /**
   * Where the next punctuation starts its deadline scan: every index entry below it was deleted by
   * an earlier punctuation, unless {@link #moveDeadline} lowered it. Starting there instead of at 0
   * keeps the scan off the tombstones RocksDB holds for the deleted entries until compaction, which
   * otherwise every punctuation would step over. In memory only: after a restart the first
   * punctuation scans from 0.
   */
  private long scanFromEpochMillis;

  TraceCompletionProcessor(
      CompletionSettings settings, CompletionMetrics metrics, InputProgress progress) {
    this.settings = settings;
    this.metrics = metrics;
    this.progress = progress;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
    this.spans = context.getStateStore(CompletionTopology.SPANS_STORE);
    this.states = context.getStateStore(CompletionTopology.STATES_STORE);
    this.deadlines = context.getStateStore(CompletionTopology.DEADLINES_STORE);
    this.taskId = context.taskId().toString();
    this.partition = context.taskId().partition();
    this.clock = new CompletionClock(settings.clockGrace().toMillis());
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
        context.schedule(
            settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    long arrival = clock.arrive(record.timestamp(), context.currentSystemTimeMs());
    context.recordMetadata().ifPresent(meta -> position = meta.offset() + 1);
    SpanRecord span;
    try {
      span = SpanRecord.read(record);
    } catch (SerializationException e) {
      toDeadLetters(record.key(), record.value(), record.timestamp(), record.headers(), true, e);
      return;
    }
    String traceKey = span.traceKey();
    if (spans.get(span.storeKey()) != null) {
      metrics.duplicateSpan();
      return;
    }
    TraceBuffer buffer = states.get(traceKey);
    if (buffer != null && buffer.getPhase() == TracePhase.OPEN) {
      long due = dueAt(span.projectId(), buffer);
      if (due <= arrival) {
        // the trace was due before this span arrived (a stream behind its input processes both in
        // one go): complete it first, as real time would have, and take the span as late
        tryComplete(traceKey, buffer, span.projectId(), due);
      }
    }
    spans.put(span.storeKey(), span.value());
    if (buffer == null) {
      buffer =
          TraceBuffer.newBuilder()
              .setPhase(TracePhase.OPEN)
              .setRevision(0)
              .setOpenedEpochMillis(arrival)
              .setLastArrivalEpochMillis(arrival)
              .setDeadlineEpochMillis(Long.MAX_VALUE)
              .setSpanCount(0)
              .setSpanBytes(0)
              .setPartial(false)
              .setRootArrivalEpochMillis(Long.MIN_VALUE)
              .setRootCheckedSpanCount(-1)
              .setDocumentSpanCount(0)
              .build();
      adjustOpen(1, 0);
    } else if (buffer.getPhase() != TracePhase.OPEN) {
      // a late span: COMPLETED still holds the earlier spans; EXPIRED purged them (partial
      // revision)
      metrics.lateSpanReopened();
      if (buffer.getPhase() == TracePhase.EXPIRED) {
        buffer.setPartial(true);
      }
      buffer.setPhase(TracePhase.OPEN);
      buffer.setOpenedEpochMillis(arrival);
      adjustOpen(1, buffer.getSpanCount());
      log.debug(
          "Late span {} reopens trace {} after revision {}",
          span.spanId(),
          traceKey,
          buffer.getRevision());
    }
    int bytes = span.value().length;
    buffer.setSpanCount(buffer.getSpanCount() + 1);
    buffer.setSpanBytes(buffer.getSpanBytes() + bytes);
    adjustStateBytes(bytes);
    buffer.setLastArrivalEpochMillis(Math.max(buffer.getLastArrivalEpochMillis(), arrival));
    if (span.root()) {
      buffer.setRootArrivalEpochMillis(Math.max(buffer.getRootArrivalEpochMillis(), arrival));
    }
    if (span.documentSpanCount() > 0) {
      buffer.setDocumentSpanCount(span.documentSpanCount());
    }
    adjustOpen(0, 1);

    CompletionReason cap = capReached(buffer);
    if (cap != null) {
      complete(traceKey, buffer, cap, arrival);
      // the caps count per revision: later spans make a partial revision of their own, so no
      // record grows past the caps (re-emitting the whole trace per late span would)
      expire(traceKey, buffer, arrival);
    } else if (settings.rootAware().appliesTo(span.projectId())
        && buffer.getSpanCount() == buffer.getDocumentSpanCount()) {
      complete(traceKey, buffer, CompletionReason.DOCUMENT, arrival); // the whole document is here
    } else {
      long due = dueAt(span.projectId(), buffer);
      if (buffer.getDeadlineEpochMillis() > due) {
        moveDeadline(traceKey, buffer, due);
      }
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

  /**
   * When an open trace is due: quiet window after its last arrival, its lifetime cap, or, once its
   * root arrived (and no root-aware attempt failed on the spans it holds now), root grace after the
   * later of the root's and the last span's arrival; whichever comes first.
   */
  private long dueAt(String projectId, TraceBuffer buffer) {
    long quiet = buffer.getLastArrivalEpochMillis() + quietWindowMillis(projectId);
    long lifetime = buffer.getOpenedEpochMillis() + settings.maxTraceLifetime().toMillis();
    long due = Math.min(quiet, lifetime);
    if (rootEligible(projectId, buffer)) {
      due = Math.min(due, rootDueAt(projectId, buffer));
    }
    return due;
  }

  private boolean rootEligible(String projectId, TraceBuffer buffer) {
    return settings.rootAware().appliesTo(projectId)
        && buffer.getRootArrivalEpochMillis() != Long.MIN_VALUE
        && buffer.getRootCheckedSpanCount() != buffer.getSpanCount();
  }

  private long rootDueAt(String projectId, TraceBuffer buffer) {
    long latest = Math.max(buffer.getRootArrivalEpochMillis(), buffer.getLastArrivalEpochMillis());
    return latest + settings.rootAware().rootGraceFor(projectId).toMillis();
  }

  /** Why an open trace due at or before {@code atMillis} completes: quiet, lifetime, else root. */
  private CompletionReason dueReason(String projectId, TraceBuffer buffer, long atMillis) {
    if (buffer.getLastArrivalEpochMillis() + quietWindowMillis(projectId) <= atMillis) {
      return CompletionReason.QUIET;
    }
    if (buffer.getOpenedEpochMillis() + settings.maxTraceLifetime().toMillis() <= atMillis) {
      return CompletionReason.MAX_LIFETIME;
    }
    return CompletionReason.ROOT;
  }

  /**
   * Completes a due open trace at {@code atMillis}, unless it is due on its root and one of its
   * spans' parents has not arrived (an orphan): then the root-aware attempt is marked failed for
   * the spans it holds, and the trace waits for its quiet window or a new span. The caller stores
   * {@code buffer}.
   *
   * @return whether a revision was emitted (the trace is COMPLETED)
   */
  private boolean tryComplete(
      String traceKey, TraceBuffer buffer, String projectId, long atMillis) {
    CompletionReason reason = dueReason(projectId, buffer, atMillis);
    List<BufferedSpan> buffered = load(traceKey);
    if (reason == CompletionReason.ROOT && hasOrphan(buffered)) {
      buffer.setRootCheckedSpanCount(buffer.getSpanCount());
      metrics.rootWaited();
      return false;
    }
    emit(traceKey, buffer, reason, atMillis, buffered);
    return true;
  }

  /** Whether a span's parent is missing from the trace's buffered spans. */
  private static boolean hasOrphan(List<BufferedSpan> buffered) {
    Set<String> spanIds = new HashSet<>(buffered.size() * 2);
    buffered.forEach(b -> spanIds.add(b.span().getSpanId()));
    for (BufferedSpan b : buffered) {
      String parent = b.span().getParentSpanId();
      if (parent != null && !spanIds.contains(parent)) {
        return true;
      }
    }
    return false;
  }

  private void punctuate(long wallMillis) {
    long now = clock.now(wallMillis, progress.caughtUpAtMillis(partition, position));
    if (now == Long.MIN_VALUE) {
      return; // restarted, no record and no progress sample yet: nothing is known to be due
    }
    metrics.clockBehind(taskId, wallMillis - now);
    long started = System.nanoTime();
    List<Bytes> dueKeys = new ArrayList<>();
    boolean emitted = false;
    long from = scanFromEpochMillis;
    scanFromEpochMillis = now + 1;
    try (KeyValueIterator<Bytes, byte[]> it =
        deadlines.range(DeadlineKeys.bound(from), DeadlineKeys.bound(now + 1))) {
      it.forEachRemaining(entry -> dueKeys.add(entry.key));
    }
    for (Bytes dueKey : dueKeys) {
      deadlines.delete(dueKey);
      String traceKey = DeadlineKeys.traceKey(dueKey);
      TraceBuffer buffer = states.get(traceKey);
      if (buffer == null || buffer.getDeadlineEpochMillis() != DeadlineKeys.deadline(dueKey)) {
        continue; // stale index entry: the trace moved on
      }
      buffer.setDeadlineEpochMillis(Long.MAX_VALUE); // its entry is gone
      switch (buffer.getPhase()) {
        case OPEN -> {
          String projectId = TraceKey.parse(traceKey).projectId();
          long due = dueAt(projectId, buffer);
          if (due > now) {
            moveDeadline(traceKey, buffer, due); // later spans pushed the deadline on
          } else if (tryComplete(traceKey, buffer, projectId, now)) {
            emitted = true;
          } else {
            moveDeadline(traceKey, buffer, dueAt(projectId, buffer)); // an orphan: quiet window
          }
          states.put(traceKey, buffer);
        }
        case COMPLETED -> {
          expire(traceKey, buffer, now);
          states.put(traceKey, buffer);
        }
        case EXPIRED -> states.delete(traceKey);
      }
    }
    if (emitted) {
      context.commit(); // completed revisions are visible at once, not after the commit interval
    }
    metrics.punctuated(System.nanoTime() - started);
  }

  /**
   * Drops a completed trace's buffered spans (phase EXPIRED, counts reset): a late span then opens
   * a partial revision holding only the spans after it. The state itself is deleted a tombstone
   * retention after {@code clockMillis}. The caller stores {@code buffer}.
   */
  private void expire(String traceKey, TraceBuffer buffer, long clockMillis) {
    purgeSpans(traceKey);
    adjustStateBytes(-buffer.getSpanBytes());
    buffer.setPhase(TracePhase.EXPIRED);
    buffer.setSpanCount(0);
    buffer.setSpanBytes(0);
    moveDeadline(traceKey, buffer, clockMillis + settings.tombstoneRetention().toMillis());
  }

  /**
   * Emits the next revision and moves the trace to COMPLETED; the caller stores {@code buffer}.
   *
   * @param clockMillis the completion clock (ingest time) the completion happens at
   */
  private void complete(
      String traceKey, TraceBuffer buffer, CompletionReason reason, long clockMillis) {
    emit(traceKey, buffer, reason, clockMillis, load(traceKey));
  }

  /**
   * The trace's buffered spans, in start order, decoded as far as the rollup needs them: the root
   * ({@link TraceRollups#findRoot}) in full, the others up to {@link
   * TraceRollups#LAST_FIELD_READ_OF_EVERY_SPAN} (their attribute maps, texts and events, most of a
   * span's decode, are skipped: the completed trace carries their bytes as buffered). Bad ones go
   * to the dead letters.
   */
  private List<BufferedSpan> load(String traceKey) {
    TraceKey key = TraceKey.parse(traceKey);
    List<BufferedSpan> buffered = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = spans.prefixScan(traceKey + "/", KEYS)) {
      it.forEachRemaining(kv -> decodeInto(buffered, key, kv.value));
    }
    buffered.sort(Comparator.comparing(BufferedSpan::span, START_ORDER));
    decodeRootInFull(buffered, key);
    return buffered;
  }

  /**
   * Replaces the root of start-ordered {@code buffered} with its full decode; a root whose bytes do
   * not decode in full goes to the dead letters and the next root is taken.
   */
  private void decodeRootInFull(List<BufferedSpan> buffered, TraceKey key) {
    List<Span> ordered = new ArrayList<>(buffered.size());
    buffered.forEach(b -> ordered.add(b.span()));
    while (!ordered.isEmpty()) {
      Span root = TraceRollups.findRoot(ordered);
      int index = 0;
      while (ordered.get(index) != root) { // by identity: equals would compare the skipped fields
        index++;
      }
      byte[] value = buffered.get(index).value();
      try {
        buffered.set(index, new BufferedSpan(SPAN_SERDE.decode(value), value));
        return;
      } catch (SerializationException e) {
        ordered.remove(index);
        buffered.remove(index);
        bufferedToDeadLetters(key, value, e);
      }
    }
  }

  /** Emits the next revision of {@code buffered} and moves the trace to COMPLETED. */
  private void emit(
      String traceKey,
      TraceBuffer buffer,
      CompletionReason reason,
      long clockMillis,
      List<BufferedSpan> buffered) {
    TraceKey key = TraceKey.parse(traceKey);
    List<Span> traceSpans = new ArrayList<>(buffered.size());
    List<byte[]> values = new ArrayList<>(buffered.size());
    buffered.forEach(
        b -> {
          traceSpans.add(b.span());
          values.add(b.value());
        });
    long wallMillis = context.currentSystemTimeMs();
    int revision = buffer.getRevision() + 1;
    if (!traceSpans.isEmpty()) {
      TraceRollup rollup = TraceRollups.compute(key.projectId(), key.traceId(), traceSpans);
      CompletedTrace completed =
          CompletedTrace.newBuilder()
              .setProjectId(key.projectId())
              .setTraceId(key.traceId())
              .setRevision(revision)
              .setCompletionReason(reason)
              .setPartial(buffer.getPartial())
              .setFirstArrivalEpochMillis(buffer.getOpenedEpochMillis())
              .setLastArrivalEpochMillis(buffer.getLastArrivalEpochMillis())
              .setCompletedEpochMillis(wallMillis)
              .setRollup(rollup)
              .setSpans(List.of())
              .build();
      context.forward(
          new Record<>(
              traceKey.getBytes(StandardCharsets.UTF_8),
              CompletedTraceEncoding.encode(completed, values),
              wallMillis),
          CompletionTopology.COMPLETED_SINK);
      metrics.completed(reason);
      if (reason == CompletionReason.QUIET || reason == CompletionReason.ROOT) {
        long dueAt =
            reason == CompletionReason.QUIET
                ? buffer.getLastArrivalEpochMillis() + quietWindowMillis(key.projectId())
                : rootDueAt(key.projectId(), buffer);
        metrics.completedLate(Duration.ofMillis(Math.max(0, wallMillis - dueAt)));
      }
      buffer.setRevision(revision);
    }
    adjustOpen(-1, -buffer.getSpanCount());
    buffer.setPhase(TracePhase.COMPLETED);
    moveDeadline(traceKey, buffer, clockMillis + settings.completedRetention().toMillis());
  }

  /**
   * Decodes one buffered span's leading fields into {@code into}; a span that does not decode (the
   * fields skipped are parsed too), or belongs to another trace (a producer that keyed it wrongly),
   * goes to the dead-letter topic instead, so one bad record never holds its trace back.
   */
  private void decodeInto(List<BufferedSpan> into, TraceKey key, byte[] value) {
    try {
      Span span = LEADING_FIELDS.decode(value);
      if (!span.getProjectId().equals(key.projectId())
          || !span.getTraceId().equals(key.traceId())) {
        throw new SerializationException(
            "Span "
                + span.getSpanId()
                + " of "
                + span.getProjectId()
                + "/"
                + span.getTraceId()
                + " was keyed "
                + key);
      }
      into.add(new BufferedSpan(span, value));
    } catch (SerializationException e) {
      bufferedToDeadLetters(key, value, e);
    }
  }

  private void bufferedToDeadLetters(TraceKey key, byte[] value, SerializationException error) {
    byte[] keyBytes = key.toString().getBytes(StandardCharsets.UTF_8);
    toDeadLetters(
        keyBytes, value, context.currentSystemTimeMs(), new RecordHeaders(), false, error);
  }

  /**
   * A buffered span, decoded (in full or its leading fields), with its record value as buffered.
   */
  private record BufferedSpan(Span span, byte[] value) {}

  private void purgeSpans(String traceKey) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = spans.prefixScan(traceKey + "/", KEYS)) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(spans::delete);
  }

  /** Points the trace's index entry at {@code deadlineEpochMillis}, deleting its earlier entry. */
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

  /**
   * Forwards a record to {@code tracefold.spans.dlq} with error headers, and the source topic,
   * partition and offset when {@code fromInput} (the record being processed; a buffered span found
   * bad at completion names the spans store instead).
   */
  private void toDeadLetters(
      byte[] key,
      byte[] value,
      long timestamp,
      Headers original,
      boolean fromInput,
      SerializationException error) {
    Headers headers = new RecordHeaders(original.toArray());
    headers.add(
        "tracefold.error.class", error.getClass().getName().getBytes(StandardCharsets.UTF_8));
    headers.add(
        "tracefold.error.message",
        String.valueOf(error.getMessage()).getBytes(StandardCharsets.UTF_8));
    if (!fromInput) {
      headers.add(
          "tracefold.source.store",
          CompletionTopology.SPANS_STORE.getBytes(StandardCharsets.UTF_8));
    }
    context
        .recordMetadata()
        .filter(meta -> fromInput)
        .ifPresent(
            meta -> {
              headers.add("tracefold.source.topic", meta.topic().getBytes(StandardCharsets.UTF_8));
              headers.add(
                  "tracefold.source.partition",
                  Integer.toString(meta.partition()).getBytes(StandardCharsets.UTF_8));
              headers.add(
                  "tracefold.source.offset",
                  Long.toString(meta.offset()).getBytes(StandardCharsets.UTF_8));
            });
    context.forward(
        new Record<>(key, value == null ? EMPTY : value, timestamp, headers),
        CompletionTopology.DLQ_SINK);
    metrics.deadLettered();
    log.warn("Undecodable span record sent to {}: {}", Topics.SPANS_DLQ.name(), error.getMessage());
  }

  private void adjustOpen(long traces, long spanCount) {
    ownOpenTraces += traces;
    ownOpenSpans += spanCount;
    metrics.bufferedChanged(traces, spanCount);
  }

  private void adjustStateBytes(long bytes) {
    ownStateSpanBytes += bytes;
    metrics.stateBytesChanged(bytes);
  }

  @Override
  public void close() {
    if (punctuator != null) {
      punctuator.cancel();
    }
    metrics.bufferedChanged(-ownOpenTraces, -ownOpenSpans);
    metrics.stateBytesChanged(-ownStateSpanBytes);
    metrics.forgetTask(taskId);
  }
}

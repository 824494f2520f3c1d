package dev.tracefold.bench;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.schemas.topic.TraceKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.SessionStore;

/**
 * The textbook trace-completion topology, the baseline Tracefold is measured against (the shape
 * zipkin-storage-kafka uses): {@code tracefold.spans} → {@code groupByKey} → {@code
 * SessionWindows.ofInactivityGapWithNoGrace(gap)} → {@code aggregate} into a {@link SpanBuffer}
 * (persistent session store, DSL defaults: RocksDB, changelog, record cache) → {@code
 * suppress(untilWindowCloses(unbounded()))} (an in-memory buffer with a changelog) → one {@link
 * CompletedTrace} per closed session on {@value #OUTPUT_TOPIC}, with the same rollup as Tracefold.
 *
 * <p>Windows close on <b>stream time</b>: the largest record timestamp seen by the task. A session
 * is emitted only once a later record on the same partition carries a timestamp beyond its end +
 * gap, so the last sessions of a partition that goes quiet are never emitted. The output record's
 * timestamp is the session end (event time), not the emit time.
 *
 * <p>Arrival times in the buffer are this JVM's wall clock when the span was aggregated, as
 * Tracefold's are, so the lag definitions match. No de-duplication, no caps, no late-span
 * revisions: it is a baseline.
 */
final class BaselineTopology {
  /** Where the baseline's completed traces go. */
  static final String OUTPUT_TOPIC = "bench.baseline.completed";

  /** The session store. */
  static final String SESSION_STORE = "baseline-trace-sessions";

  private static final AvroSerde<Span> SPAN_SERDE = AvroSerde.of(Span.class);
  private static final AvroSerde<CompletedTrace> COMPLETED_SERDE =
      AvroSerde.of(CompletedTrace.class);

  private BaselineTopology() {}

  /**
   * Builds the topology.
   *
   * @param inactivityGap the session gap: the baseline's quiet window, in stream time
   * @return a new topology
   */
  static Topology build(Duration inactivityGap) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(Topics.SPANS.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .groupByKey(Grouped.with(Serdes.String(), Serdes.ByteArray()))
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(inactivityGap))
        .aggregate(
            SpanBuffer::empty,
            (key, span, buffer) -> buffer.add(span, System.currentTimeMillis()),
            (key, left, right) -> left.merge(right),
            Materialized.<String, SpanBuffer, SessionStore<Bytes, byte[]>>as(SESSION_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(SpanBuffer.SERDE))
        .suppress(
            Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())
                .withName("baseline-until-closed"))
        .toStream()
        .filter((window, buffer) -> buffer != null)
        .map((window, buffer) -> KeyValue.pair(window.key(), completed(window, buffer)))
        .to(OUTPUT_TOPIC, Produced.with(Serdes.String(), Serdes.ByteArray()));
    return builder.build();
  }

  private static byte[] completed(Windowed<String> window, SpanBuffer buffer) {
    TraceKey key = TraceKey.parse(window.key());
    List<Span> spans = new ArrayList<>(buffer.spans().size());
    for (byte[] span : buffer.spans()) {
      spans.add(SPAN_SERDE.decode(span));
    }
    spans.sort(Comparator.comparingLong(Span::getStartEpochNanos).thenComparing(Span::getSpanId));
    CompletedTrace trace =
        CompletedTrace.newBuilder()
            .setProjectId(key.projectId())
            .setTraceId(key.traceId())
            .setRevision(1)
            .setCompletionReason(CompletionReason.QUIET)
            .setPartial(false)
            .setFirstArrivalEpochMillis(buffer.firstArrivalEpochMillis())
            .setLastArrivalEpochMillis(buffer.lastArrivalEpochMillis())
            .setCompletedEpochMillis(System.currentTimeMillis())
            .setRollup(TraceRollups.compute(key.projectId(), key.traceId(), spans))
            .setSpans(spans)
            .build();
    return COMPLETED_SERDE.encode(trace);
  }
}

package dev.tracefold.completion;

import dev.tracefold.schemas.topic.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The completion topology: {@code tracefold.spans} → {@link TraceCompletionProcessor} (three
 * persistent stores) → {@code tracefold.traces.completed}, plus {@code tracefold.spans.dlq} for
 * records that cannot be decoded. A pure function of its settings and meters, shared by {@link
 * CompletionStream} and the tests.
 *
 * <p>Built with the Processor API on {@link Topology} rather than a {@code StreamsBuilder}: the
 * processor forwards to one of two named sinks, which the DSL cannot express without a wrapper
 * type.
 */
public final class CompletionTopology {
  /** Spans buffered per trace; key {@code projectId/traceId/spanId}, value the record value. */
  public static final String SPANS_STORE = "trace-spans";

  /** Per-trace state; key {@code projectId/traceId}. */
  public static final String STATES_STORE = "trace-states";

  /** Deadline index; key deadline (8 bytes big-endian epoch ms) + trace key. */
  public static final String DEADLINES_STORE = "trace-deadlines";

  static final String SOURCE = "spans-source";
  static final String PROCESSOR = "trace-completion";
  static final String COMPLETED_SINK = "completed-sink";
  static final String DLQ_SINK = "dlq-sink";

  private CompletionTopology() {}

  /**
   * Builds the topology.
   *
   * @param settings quiet windows, caps and retention
   * @param metrics where the processors count
   * @param progress how far each task's input partition had grown, and when (see {@link
   *     CompletionClock}): {@link InputProgress#SYNCHRONOUS} for a test driver
   * @return a new topology; never null
   */
  public static Topology build(
      CompletionSettings settings, CompletionMetrics metrics, InputProgress progress) {
    Topology topology = new Topology();
    topology.addSource(
        SOURCE,
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        Topics.SPANS.name());
    topology.addProcessor(
        PROCESSOR, () -> new TraceCompletionProcessor(settings, metrics, progress), SOURCE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(SPANS_STORE), Serdes.String(), Serdes.ByteArray()),
        PROCESSOR);
    // cached: a trace's state changes with each of its spans; the cache writes it to RocksDB and
    // its changelog once per commit interval
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STATES_STORE),
                Serdes.String(),
                new TraceBufferSerde())
            .withCachingEnabled(),
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DEADLINES_STORE), Serdes.Bytes(), Serdes.ByteArray()),
        PROCESSOR);
    topology.addSink(
        COMPLETED_SINK,
        Topics.COMPLETED_TRACES.name(),
        Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(),
        PROCESSOR);
    topology.addSink(
        DLQ_SINK,
        Topics.SPANS_DLQ.name(),
        Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(),
        PROCESSOR);
    return topology;
  }
}

package dev.tracefold.schemas.topic;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Tracefold's topics. Every key is the UTF-8 string {@code projectId/traceId} (see {@link
 * TraceKey}), so all records of one trace land in one partition; every value is Avro single-object
 * encoded ({@link AvroSerde}).
 */
public final class Topics {
  /** Normalised spans from the ingest gateway. */
  public static final Topic<String, Span> SPANS =
      new Topic<>("tracefold.spans", Serdes.String(), AvroSerde.of(Span.class));

  /** One record per completed trace revision: rollup and every span. */
  public static final Topic<String, CompletedTrace> COMPLETED_TRACES =
      new Topic<>(
          "tracefold.traces.completed", Serdes.String(), AvroSerde.of(CompletedTrace.class));

  /** Evaluation triggers for downstream evaluators; they dedupe on the trigger id. */
  public static final Topic<String, EvaluationTrigger> EVALUATION_TRIGGERS =
      new Topic<>(
          "tracefold.evaluation.triggers", Serdes.String(), AvroSerde.of(EvaluationTrigger.class));

  /** Span records no stage could decode: original key and bytes, the error in headers. */
  public static final Topic<byte[], byte[]> SPANS_DLQ =
      new Topic<>("tracefold.spans.dlq", Serdes.ByteArray(), Serdes.ByteArray());

  private Topics() {}
}

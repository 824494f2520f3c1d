package dev.tracefold.gateway.ingest;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One decoded ingest request, as a transport hands it to {@link IngestPipeline}: whose it is and
 * how to normalise it into the batches to produce (its body was charged to the rate limiter before
 * it was parsed: {@link IngestPipeline#admitBody}). Implementations are immutable.
 */
public interface IngestRequest {
  /** The project of the request's API key; its spans belong to it. */
  String projectId();

  /**
   * Validates and normalises the request into the batches to produce, in order. The pipeline calls
   * it once, on the thread that decoded the request; every batch must stay within {@link
   * IngestLimits#maxSpansPerRequest()} spans (valid and rejected), or the request is refused 413.
   *
   * @return the batches; empty when there is nothing to produce
   */
  List<NormalizedBatch> normalize();

  /**
   * A request whose spans form one batch.
   *
   * @param projectId the project of the request's key
   * @param normalizer validates and normalises the request's spans (e.g. {@code
   *     SpanNormalizer::normalize} of a decoded OTLP export)
   */
  static IngestRequest of(String projectId, Supplier<NormalizedBatch> normalizer) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(normalizer, "normalizer");
    return new IngestRequest() {
      @Override
      public String projectId() {
        return projectId;
      }

      @Override
      public List<NormalizedBatch> normalize() {
        return List.of(normalizer.get());
      }
    };
  }
}

package dev.tracefold.gateway.otlp;

import dev.tracefold.gateway.ingest.IngestResult;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/** Facts about decoded OTLP export requests, and their answers. Stateless and thread-safe. */
final class ExportRequests {
  private ExportRequests() {}

  /** The number of spans the request carries, over every resource and scope. */
  static int spanCount(ExportTraceServiceRequest request) {
    int spans = 0;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        spans += scopeSpans.getSpansCount();
      }
    }
    return spans;
  }

  /**
   * The answer to an ingested request: empty on full success, else with {@code partial_success}
   * ({@code rejected_spans}, {@code error_message}).
   */
  static ExportTraceServiceResponse response(IngestResult result) {
    ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
    if (!result.fullSuccess()) {
      response.setPartialSuccess(
          ExportTracePartialSuccess.newBuilder()
              .setRejectedSpans(result.rejectedSpans())
              .setErrorMessage(result.errorMessage()));
    }
    return response.build();
  }
}

package dev.tracefold.gateway.otlp;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/** Facts about decoded OTLP export requests. Stateless and thread-safe. */
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
}

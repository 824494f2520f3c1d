package dev.tracefold.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.trace.StoredTrace;
import java.util.List;
import java.util.Objects;

/**
 * {@code POST /api/v1/traces/compare} {@code {"trace_id_a", "trace_id_b"}}: the diff of two of the
 * project's traces ({@link TraceComparison}); 404 naming the field of a trace the project does not
 * have. Thread-safe.
 */
final class TraceCompareService {
  private final TraceStore store;

  TraceCompareService(TraceStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  void addTo(ServerBuilder server) {
    server.route().post("/api/v1/traces/compare").build(ApiHandlers.service(this::compare));
  }

  private HttpResponse compare(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    ObjectNode body =
        ApiBodies.object(
            request,
            List.of("trace_id_a", "trace_id_b"),
            "{\"trace_id_a\": \"<32 hex>\", \"trace_id_b\": \"<32 hex>\"}");
    StoredTrace a = find(projectId, body, "trace_id_a");
    StoredTrace b = find(projectId, body, "trace_id_b");
    return ApiHandlers.ok(TraceComparison.compare(a, b));
  }

  private StoredTrace find(String projectId, ObjectNode body, String field) {
    String traceId = ApiRequests.traceId(field, ApiBodies.text(body, field, true, 64));
    return store
        .findTrace(projectId, traceId)
        .orElseThrow(
            () ->
                new ApiException(
                    HttpStatus.NOT_FOUND,
                    field,
                    "trace " + traceId + " not found in project " + projectId));
  }
}

package dev.tracefold.gateway.api;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.TraceStore;
import java.util.List;
import java.util.Objects;

/**
 * {@code GET /api/v1/traces/{id}}: one trace with its spans. 400 when the id is not 32 hex
 * characters (upper case is accepted), 404 when the project has no such trace. Thread-safe.
 */
final class TraceDetailService {
  static final String PATH = "/api/v1/traces/{id}";

  private final TraceStore store;

  TraceDetailService(TraceStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  void addTo(ServerBuilder server) {
    server.route().get(PATH).build(ApiHandlers.service(this::get));
  }

  private HttpResponse get(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String traceId = ApiRequests.traceId(ctx);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    return ApiHandlers.ok(
        TraceJson.detail(
            store
                .findTrace(projectId, traceId)
                .orElseThrow(() -> ApiException.traceNotFound(projectId, traceId))));
  }
}

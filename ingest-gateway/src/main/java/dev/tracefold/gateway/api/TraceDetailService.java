package dev.tracefold.gateway.api;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.TraceStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One trace by id ({@code {id}}: 32 hex characters, upper case accepted; 400 otherwise, 404 when
 * the project has no such trace):
 *
 * <ul>
 *   <li>{@code GET /api/v1/traces/{id}?format=tree|flat}: the trace with fired trigger ids,
 *       annotations and spans, nested by parent ({@code tree}, the default) or in start order
 *       ({@code flat}); see {@link SpanTree};
 *   <li>{@code DELETE /api/v1/traces/{id}}: 204; the trace with its spans and annotations is gone.
 * </ul>
 *
 * Thread-safe.
 */
final class TraceDetailService {
  static final String PATH = "/api/v1/traces/{id}";

  private final TraceStore store;

  TraceDetailService(TraceStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  void addTo(ServerBuilder server) {
    server.route().get(PATH).build(ApiHandlers.service(this::get));
    server.route().delete(PATH).build(ApiHandlers.service(this::delete));
  }

  private HttpResponse get(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String traceId = ApiRequests.traceId(ctx);
    Map<String, List<String>> params = ApiRequests.params(ctx);
    ApiRequests.onlyKnown(params, List.of("format"));
    String format = ApiRequests.single(params, "format");
    if (format != null && !format.equals("tree") && !format.equals("flat")) {
      throw ApiException.badRequest(
          "format", "format must be tree or flat, got '" + ApiRequests.abbreviate(format) + "'");
    }
    return ApiHandlers.ok(
        TraceJson.detail(
            store
                .findTrace(projectId, traceId)
                .orElseThrow(() -> ApiException.traceNotFound(projectId, traceId)),
            "flat".equals(format)));
  }

  private HttpResponse delete(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String traceId = ApiRequests.traceId(ctx);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    if (!store.curation().deleteTrace(projectId, traceId)) {
      throw ApiException.traceNotFound(projectId, traceId);
    }
    return HttpResponse.of(HttpStatus.NO_CONTENT);
  }
}

package dev.tracefold.api;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.trace.SpanPage;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One trace by id ({@code {id}}: 32 hex characters, upper case accepted; 400 otherwise, 404 when
 * the project has no such trace):
 *
 * <ul>
 *   <li>{@code GET /api/v1/traces/{id}?format=tree|flat}: the trace with fired trigger ids,
 *       annotations and its first spans ({@link TraceStore#DETAIL_MAX_SPANS}, {@link
 *       TraceStore#PAGE_MAX_SPAN_BYTES}), nested by parent ({@code tree}, the default) or in start
 *       order ({@code flat}); see {@link SpanTree}. {@code spans_next_cursor} is null when every
 *       span is included, else the cursor of the spans endpoint for the rest;
 *   <li>{@code GET /api/v1/traces/{id}/spans?cursor=&limit=}: one page of the trace's spans in
 *       start order (flat, {@code limit} 1-5,000, default 1,000, and at most 8 MiB of span
 *       payloads), with {@code next_cursor} (null on the last page);
 *   <li>{@code DELETE /api/v1/traces/{id}}: 204; the trace with its spans and annotations is gone.
 * </ul>
 *
 * Thread-safe.
 */
final class TraceDetailService {
  static final String PATH = "/api/v1/traces/{id}";
  static final String SPANS_PATH = "/api/v1/traces/{id}/spans";
  private static final int DEFAULT_SPAN_LIMIT = 1_000;

  private final TraceStore store;

  TraceDetailService(TraceStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  void addTo(ServerBuilder server) {
    server.route().get(PATH).build(ApiHandlers.service(this::get));
    server.route().get(SPANS_PATH).build(ApiHandlers.service(this::spans));
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

  private HttpResponse spans(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String traceId = ApiRequests.traceId(ctx);
    Map<String, List<String>> params = ApiRequests.params(ctx);
    ApiRequests.onlyKnown(params, List.of("cursor", "limit"));
    String cursor = ApiRequests.single(params, "cursor");
    int limit =
        ApiRequests.intParam(params, "limit", DEFAULT_SPAN_LIMIT, 1, TraceStore.DETAIL_MAX_SPANS);
    SpanPage page =
        store
            .findSpans(projectId, traceId, cursor == null ? null : SpanCursor.decode(cursor), limit)
            .orElseThrow(() -> ApiException.traceNotFound(projectId, traceId));
    return ApiHandlers.ok(TraceJson.spanPage(page));
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

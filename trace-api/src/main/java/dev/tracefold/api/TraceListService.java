package dev.tracefold.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.trace.TraceFacets;
import dev.tracefold.store.trace.TracePage;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Listing traces:
 *
 * <ul>
 *   <li>{@code GET /api/v1/traces}: one page of the project's traces matching the filter
 *       parameters, in the requested order (see {@link TraceListRequest}). Body: {@code {"traces":
 *       [summary...], "count", "total_count", "total_count_capped", "next_cursor", "page",
 *       "page_size", "sort_by", "sort_order"}}.
 *   <li>{@code GET /api/v1/traces/sources}: {@code {"sources": [...]}}, the distinct sources of the
 *       project's traces, sorted.
 *   <li>{@code GET /api/v1/traces/facets}: {@code {"models", "providers", "service_names", "tags",
 *       "metadata_keys", "sources"}}, each an array of strings: the values of the project's recent
 *       traces that the filter panel offers ({@link TraceFacets}).
 * </ul>
 *
 * Thread-safe.
 */
final class TraceListService {
  static final String PATH = "/api/v1/traces";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final TraceStore store;
  private final Clock clock;

  TraceListService(TraceStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  void addTo(ServerBuilder server) {
    server.route().get(PATH).build(ApiHandlers.service(this::list));
    server.route().get(PATH + "/sources").build(ApiHandlers.service(this::sources));
    server.route().get(PATH + "/facets").build(ApiHandlers.service(this::facets));
  }

  private HttpResponse facets(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    TraceFacets facets = store.facets(projectId);
    ObjectNode body = NODES.objectNode();
    strings(body.putArray("models"), facets.models());
    strings(body.putArray("providers"), facets.providers());
    strings(body.putArray("service_names"), facets.serviceNames());
    strings(body.putArray("tags"), facets.tags());
    strings(body.putArray("metadata_keys"), facets.metadataKeys());
    strings(body.putArray("sources"), facets.sources());
    return ApiHandlers.ok(body);
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private HttpResponse sources(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    ObjectNode body = NODES.objectNode();
    strings(body.putArray("sources"), store.listSources(projectId));
    return ApiHandlers.ok(body);
  }

  private HttpResponse list(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    TraceListRequest list = TraceListRequest.parse(ApiRequests.params(ctx), clock.instant());
    TracePage page = store.listTraces(projectId, list.query());
    ObjectNode body = NODES.objectNode();
    ArrayNode traces = body.putArray("traces");
    page.traces().forEach(trace -> traces.add(TraceJson.summary(trace)));
    body.put("count", page.traces().size());
    body.put("total_count", page.totalCount());
    body.put("total_count_capped", page.totalCountCapped());
    body.put("next_cursor", page.next() == null ? null : list.cursorAfter(page.next()));
    body.put("page", list.page());
    body.put("page_size", list.query().pageSize());
    body.put("sort_by", list.query().sort().field().wireName());
    body.put("sort_order", list.query().sort().order().wireName());
    return ApiHandlers.ok(body);
  }
}

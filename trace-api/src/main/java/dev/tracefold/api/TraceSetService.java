package dev.tracefold.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.set.TraceSet;
import dev.tracefold.store.set.TraceSetMembers;
import dev.tracefold.store.set.TraceSetStore;
import dev.tracefold.store.set.UnknownTracesException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trace sets, frozen lists of the project's traces that evaluations run over:
 *
 * <ul>
 *   <li>{@code POST /api/v1/trace-sets} {@code {"name", "description"?, "filter"? | "trace_ids"?,
 *       "limit"?}}: from a filter (an object of the list parameters of {@code GET /api/v1/traces},
 *       values as strings, numbers or arrays of them), the newest {@code limit} (default and most
 *       {@value TraceSetStore#MAX_TRACES}) matching traces; or from a list of ids of the project's
 *       traces. 201 with the set.
 *   <li>{@code GET /api/v1/trace-sets?page&page_size}: the sets, newest first.
 *   <li>{@code GET /api/v1/trace-sets/{set_id}?page&page_size}: the set with one page of its
 *       members: {@code trace_ids}, the {@code traces} still stored, and {@code missing_trace_ids}
 *       deleted since.
 * </ul>
 *
 * Thread-safe.
 */
final class TraceSetService {
  static final int MAX_DESCRIPTION_LENGTH = 2000;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXAMPLE =
      "{\"name\": \"failed checkouts\", \"filter\": {\"status\": \"ERROR\", \"tags\":"
          + " [\"checkout\"]}}";

  private final TraceSetStore sets;
  private final Clock clock;

  TraceSetService(TraceStore store, Clock clock) {
    this.sets = Objects.requireNonNull(store, "store").traceSets();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  void addTo(ServerBuilder server) {
    server.route().post("/api/v1/trace-sets").build(ApiHandlers.service(this::create));
    server.route().get("/api/v1/trace-sets").build(ApiHandlers.service(this::list));
    server.route().get("/api/v1/trace-sets/{set_id}").build(ApiHandlers.service(this::get));
  }

  private HttpResponse create(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    ObjectNode body =
        ApiBodies.object(
            request, List.of("name", "description", "filter", "trace_ids", "limit"), EXAMPLE);
    String name = ApiBodies.text(body, "name", true, TraceCurationService.MAX_NAME_LENGTH);
    String description = ApiBodies.text(body, "description", false, MAX_DESCRIPTION_LENGTH);
    boolean byFilter = body.hasNonNull("filter");
    if (byFilter == body.hasNonNull("trace_ids")) {
      throw ApiException.badRequest(
          "filter", "give either filter or trace_ids (not both, not neither); e.g. " + EXAMPLE);
    }
    TraceSet set;
    if (byFilter) {
      Map<String, List<String>> params = ApiFilters.params(body.get("filter"), EXAMPLE);
      TraceFilter filter = ApiFilters.parse(params, clock.instant());
      set =
          sets.createFromFilter(
              projectId,
              name,
              description,
              filter,
              JSON.valueToTree(params).toString(),
              limit(body));
    } else {
      if (body.has("limit")) {
        throw ApiException.badRequest("limit", "limit applies to a filter, not to trace_ids");
      }
      List<String> ids = new ArrayList<>();
      for (String id : ApiBodies.strings(body, "trace_ids", TraceSetStore.MAX_TRACES, 64)) {
        ids.add(ApiRequests.traceId("trace_ids", id));
      }
      if (ids.isEmpty()) {
        throw ApiException.badRequest("trace_ids", "trace_ids must hold at least one trace id");
      }
      try {
        set = sets.createFromIds(projectId, name, description, ids);
      } catch (UnknownTracesException e) {
        throw ApiException.badRequest("trace_ids", e.getMessage());
      }
    }
    return ApiHandlers.json(HttpStatus.CREATED, json(set));
  }

  private HttpResponse list(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    return ApiPages.serve(ctx, "trace_sets", sets::listSets, TraceSetService::json);
  }

  private HttpResponse get(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String setId = ApiRequests.pathText(ctx, "set_id");
    Map<String, List<String>> params = ApiRequests.params(ctx);
    ApiRequests.onlyKnown(params, ApiRequests.PAGE_PARAMETERS);
    int page = ApiRequests.page(params);
    int pageSize = ApiRequests.pageSize(params);
    TraceSetMembers members =
        sets.findSet(projectId, setId, page, pageSize)
            .orElseThrow(() -> ResourceRoutes.notFound("trace set", projectId, setId));
    ObjectNode body = json(members.set());
    ArrayNode ids = body.putArray("trace_ids");
    members.traceIds().forEach(ids::add);
    ArrayNode traces = body.putArray("traces");
    members.traces().forEach(trace -> traces.add(TraceJson.summary(trace)));
    ArrayNode missing = body.putArray("missing_trace_ids");
    members.missingTraceIds().forEach(missing::add);
    body.put("page", page);
    body.put("page_size", pageSize);
    body.put("has_more", (long) page * pageSize < members.set().traceCount());
    return ApiHandlers.ok(body);
  }

  private static int limit(ObjectNode body) {
    Long limit = ApiBodies.wholeNumber(body, "limit", 1, TraceSetStore.MAX_TRACES);
    return limit == null ? TraceSetStore.MAX_TRACES : limit.intValue();
  }

  private static ObjectNode json(TraceSet set) {
    ObjectNode json = NODES.objectNode();
    json.put("id", set.id());
    json.put("name", set.name());
    json.put("description", set.description());
    if (set.filterParams() == null) {
      json.putNull("filter");
    } else {
      try {
        json.set("filter", JSON.readTree(set.filterParams()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(
            "Stored filter of trace set " + set.id() + " is not JSON", e);
      }
    }
    json.put("trace_count", set.traceCount());
    json.put("created_epoch_millis", set.createdEpochMillis());
    return json;
  }
}

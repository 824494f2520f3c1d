package dev.tracefold.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.Page;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceFilterParams;
import dev.tracefold.store.session.SessionStore;
import dev.tracefold.store.session.SessionSummary;
import dev.tracefold.store.session.SessionTraces;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sessions, the traces of a project that share a session id:
 *
 * <ul>
 *   <li>{@code GET /api/v1/sessions?page&page_size&<trace filters>}: {@code {"sessions": [...],
 *       "count", "page", "page_size", "has_more"}}, most recently active first; the trace filters
 *       of {@code GET /api/v1/traces} choose which traces count.
 *   <li>{@code GET /api/v1/sessions/{session_id}?page&page_size}: {@code {"session": {...},
 *       "traces": [summary...], "count", "page", "page_size", "has_more"}}, the traces oldest
 *       first; 404 when the project has no trace in the session.
 * </ul>
 *
 * Thread-safe.
 */
final class SessionService {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final SessionStore sessions;
  private final Clock clock;

  SessionService(TraceStore store, Clock clock) {
    this.sessions = Objects.requireNonNull(store, "store").sessions();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  void addTo(ServerBuilder server) {
    server.route().get("/api/v1/sessions").build(ApiHandlers.service(this::list));
    server.route().get("/api/v1/sessions/{session_id}").build(ApiHandlers.service(this::get));
  }

  private HttpResponse list(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    Map<String, List<String>> params = ApiRequests.params(ctx);
    int page = ApiRequests.page(params);
    int pageSize = ApiRequests.pageSize(params);
    TraceFilter filter =
        TraceFilterParams.parse(params, clock.instant(), ApiRequests.PAGE_PARAMETERS);
    Page<SessionSummary> result = sessions.listSessions(projectId, filter, page, pageSize);
    ObjectNode body = NODES.objectNode();
    ArrayNode list = body.putArray("sessions");
    result.items().forEach(session -> list.add(json(session)));
    body.put("count", result.items().size());
    body.put("page", page);
    body.put("page_size", pageSize);
    body.put("has_more", result.hasMore());
    return ApiHandlers.ok(body);
  }

  private HttpResponse get(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String sessionId = ApiRequests.pathText(ctx, "session_id");
    Map<String, List<String>> params = ApiRequests.params(ctx);
    ApiRequests.onlyKnown(params, ApiRequests.PAGE_PARAMETERS);
    int page = ApiRequests.page(params);
    int pageSize = ApiRequests.pageSize(params);
    SessionTraces session =
        sessions
            .findSession(projectId, sessionId, page, pageSize)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "session " + sessionId + " not found in project " + projectId));
    ObjectNode body = NODES.objectNode();
    body.set("session", json(session.summary()));
    ArrayNode traces = body.putArray("traces");
    session.traces().forEach(trace -> traces.add(TraceJson.summary(trace)));
    body.put("count", session.traces().size());
    body.put("page", page);
    body.put("page_size", pageSize);
    body.put("has_more", (long) page * pageSize < session.summary().traceCount());
    return ApiHandlers.ok(body);
  }

  private static ObjectNode json(SessionSummary session) {
    ObjectNode json = NODES.objectNode();
    json.put("session_id", session.sessionId());
    json.put("trace_count", session.traceCount());
    json.put("first_start_epoch_nanos", session.firstStartEpochNanos());
    json.put("last_start_epoch_nanos", session.lastStartEpochNanos());
    json.put("last_end_epoch_nanos", session.lastEndEpochNanos());
    json.put("duration_nanos", session.durationNanos());
    json.put("total_trace_duration_nanos", session.totalDurationNanos());
    json.put("input_tokens", session.inputTokens());
    json.put("output_tokens", session.outputTokens());
    json.put("total_tokens", session.totalTokens());
    json.put("cost_microcents", session.costMicrocents());
    json.put("error_count", session.errorCount());
    json.put("error_trace_count", session.errorTraceCount());
    ArrayNode users = json.putArray("user_ids");
    session.userIds().forEach(users::add);
    return json;
  }
}

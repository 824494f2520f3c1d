package dev.tracefold.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.AnnotationQueue;
import dev.tracefold.store.AnnotationQueueStore;
import dev.tracefold.store.Page;
import dev.tracefold.store.QueueDefinition;
import dev.tracefold.store.TraceStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Annotation queues, which collect the project's completed traces they select for reviewers ({@code
 * {queue_id}}: the queue's id; 404 when the project has no such queue). Their items are served by
 * {@link AnnotationQueueItemService}.
 *
 * <ul>
 *   <li>{@code POST /api/v1/annotation-queues} {@code {"name", "description"?, "enabled"?,
 *       "filter"?, "sampling_percent"?}}: 201 with the queue. {@code description} is at most
 *       {@value TraceSetService#MAX_DESCRIPTION_LENGTH} characters; {@code enabled} defaults to
 *       true; {@code filter} is an object of the list parameters of {@code GET /api/v1/traces}, as
 *       trace sets take it (default {@code {}}: every trace); {@code sampling_percent} is 0 to 100,
 *       fractions allowed (default 100).
 *   <li>{@code GET /api/v1/annotation-queues?page&page_size}: {@code {"annotation_queues": [...],
 *       "count", "page", "page_size", "has_more"}}, oldest first.
 *   <li>{@code GET /api/v1/annotation-queues/{queue_id}}: the queue.
 *   <li>{@code PUT /api/v1/annotation-queues/{queue_id}}: replaces the queue's definition with the
 *       body, which takes the fields and defaults of {@code POST}; its items stay. 200 with the
 *       queue.
 *   <li>{@code DELETE /api/v1/annotation-queues/{queue_id}}: 204; its items are gone too.
 * </ul>
 *
 * A queue is {@code {"id", "name", "description", "enabled", "filter": {"<parameter>": ["<value>",
 * ...]}, "sampling_percent", "pending_count", "done_count", "created_epoch_millis",
 * "updated_epoch_millis"}}. Thread-safe.
 */
final class AnnotationQueueService {
  static final String PATH = "/api/v1/annotation-queues";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> FIELDS =
      List.of("name", "description", "enabled", "filter", "sampling_percent");
  private static final String EXAMPLE =
      "{\"name\": \"failed checkouts\", \"description\": \"check the answers\", \"filter\":"
          + " {\"status\": \"ERROR\", \"tags\": [\"checkout\"]}, \"sampling_percent\": 25}";

  private final AnnotationQueueStore queues;
  private final Clock clock;

  AnnotationQueueService(TraceStore store, Clock clock) {
    this.queues = Objects.requireNonNull(store, "store").annotationQueues();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  void addTo(ServerBuilder server) {
    String one = PATH + "/{queue_id}";
    server.route().post(PATH).build(ApiHandlers.service(this::create));
    server.route().get(PATH).build(ApiHandlers.service(this::list));
    server.route().get(one).build(ApiHandlers.service(this::get));
    server.route().put(one).build(ApiHandlers.service(this::replace));
    server.route().delete(one).build(ApiHandlers.service(this::delete));
  }

  private HttpResponse create(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    QueueDefinition definition = definition(request);
    return ApiHandlers.json(HttpStatus.CREATED, json(queues.create(projectId, definition)));
  }

  private HttpResponse list(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    Map<String, List<String>> params = ApiRequests.params(ctx);
    ApiRequests.onlyKnown(params, ApiRequests.PAGE_PARAMETERS);
    int page = ApiRequests.page(params);
    int pageSize = ApiRequests.pageSize(params);
    Page<AnnotationQueue> result = queues.list(projectId, page, pageSize);
    return ApiHandlers.ok(
        ApiPages.json("annotation_queues", result, page, pageSize, AnnotationQueueService::json));
  }

  private HttpResponse get(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String queueId = ApiRequests.pathText(ctx, "queue_id");
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    return ApiHandlers.ok(
        json(queues.find(projectId, queueId).orElseThrow(() -> notFound(projectId, queueId))));
  }

  private HttpResponse replace(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String queueId = ApiRequests.pathText(ctx, "queue_id");
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    QueueDefinition definition = definition(request);
    return ApiHandlers.ok(
        json(
            queues
                .update(projectId, queueId, definition)
                .orElseThrow(() -> notFound(projectId, queueId))));
  }

  private HttpResponse delete(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String queueId = ApiRequests.pathText(ctx, "queue_id");
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    if (!queues.delete(projectId, queueId)) {
      throw notFound(projectId, queueId);
    }
    return HttpResponse.of(HttpStatus.NO_CONTENT);
  }

  /** The queue a POST or PUT body describes, with the defaults filled in. */
  private QueueDefinition definition(AggregatedHttpRequest request) {
    ObjectNode body = ApiBodies.object(request, FIELDS, EXAMPLE);
    return new QueueDefinition(
        ApiBodies.text(body, "name", true, TraceCurationService.MAX_NAME_LENGTH),
        ApiBodies.text(body, "description", false, TraceSetService.MAX_DESCRIPTION_LENGTH),
        ApiBodies.bool(body, "enabled", true),
        ApiFilters.selection(body, clock.instant(), EXAMPLE));
  }

  /** 404 for a queue the project does not have. */
  static ApiException notFound(String projectId, String queueId) {
    return ApiException.notFound(
        "annotation queue " + queueId + " not found in project " + projectId);
  }

  private static ObjectNode json(AnnotationQueue queue) {
    QueueDefinition definition = queue.definition();
    ObjectNode json = NODES.objectNode();
    json.put("id", queue.id());
    json.put("name", definition.name());
    json.put("description", definition.description());
    json.put("enabled", definition.enabled());
    ApiFilters.put(json, definition.selection());
    json.put("pending_count", queue.pendingCount());
    json.put("done_count", queue.doneCount());
    json.put("created_epoch_millis", queue.createdEpochMillis());
    json.put("updated_epoch_millis", queue.updatedEpochMillis());
    return json;
  }
}

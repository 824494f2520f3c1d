package dev.tracefold.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.server.ServerBuilder;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.evaluation.AnnotationQueue;
import dev.tracefold.store.evaluation.QueueDefinition;
import java.time.Clock;
import java.util.List;
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

  private final Clock clock;
  private final ResourceRoutes<QueueDefinition, AnnotationQueue> routes;

  AnnotationQueueService(TraceStore store, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.routes =
        new ResourceRoutes<>(
            PATH,
            "queue_id",
            "annotation_queues",
            "annotation queue",
            Objects.requireNonNull(store, "store").annotationQueues(),
            this::definition,
            AnnotationQueueService::json);
  }

  void addTo(ServerBuilder server) {
    routes.addTo(server);
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

  /** 404 for a queue the project does not have (also for its items). */
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

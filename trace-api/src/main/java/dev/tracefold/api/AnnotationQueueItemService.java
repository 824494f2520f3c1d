package dev.tracefold.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.Page;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.evaluation.AnnotationQueueItem;
import dev.tracefold.store.evaluation.AnnotationQueueStore;
import dev.tracefold.store.evaluation.QueueItemStatus;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The items of an annotation queue, one per completed trace the queue took ({@code {queue_id}}: the
 * queue's id, 404 when the project has no such queue; {@code {trace_id}}: 32 hex characters, upper
 * case accepted):
 *
 * <ul>
 *   <li>{@code GET /api/v1/annotation-queues/{queue_id}/items?status&page&page_size}: {@code
 *       {"items": [...], "count", "page", "page_size", "has_more"}}, in the order they were added;
 *       {@code status} ({@code pending} or {@code done}) keeps only the items with that status.
 *   <li>{@code PUT /api/v1/annotation-queues/{queue_id}/items/{trace_id}} {@code {"status":
 *       "done"|"pending", "done_by"?}}: marks the item done (its first done time stays when it is
 *       marked done again) or pending again (clearing its done time and {@code done_by}); {@code
 *       done_by}, who did it (1 to {@value TraceCurationService#MAX_NAME_LENGTH} characters), goes
 *       with status {@code done} only. 200 with the item; 404 when the queue has no item for the
 *       trace.
 * </ul>
 *
 * An item is {@code {"trace_id", "revision" (the revision that put the trace in the queue),
 * "status", "added_epoch_millis", "done_epoch_millis" (null while pending), "done_by" (null while
 * pending or when not given), "trace": the trace summary as {@code GET /api/v1/traces} lists it}}.
 * Thread-safe.
 */
final class AnnotationQueueItemService {
  static final String PATH = AnnotationQueueService.PATH + "/{queue_id}/items";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String EXAMPLE = "{\"status\": \"done\", \"done_by\": \"ana\"}";

  private final AnnotationQueueStore queues;

  AnnotationQueueItemService(TraceStore store) {
    this.queues = Objects.requireNonNull(store, "store").annotationQueues();
  }

  void addTo(ServerBuilder server) {
    server.route().get(PATH).build(ApiHandlers.service(this::list));
    server.route().put(PATH + "/{trace_id}").build(ApiHandlers.service(this::setStatus));
  }

  private HttpResponse list(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String queueId = ApiRequests.pathText(ctx, "queue_id");
    Map<String, List<String>> params = ApiRequests.params(ctx);
    ApiRequests.onlyKnown(params, List.of("status", "page", "page_size"));
    String statusName = ApiRequests.single(params, "status");
    QueueItemStatus status = statusName == null ? null : status("status", statusName);
    int page = ApiRequests.page(params);
    int pageSize = ApiRequests.pageSize(params);
    if (queues.find(projectId, queueId).isEmpty()) {
      throw AnnotationQueueService.notFound(projectId, queueId);
    }
    Page<AnnotationQueueItem> result = queues.items(projectId, queueId, status, page, pageSize);
    return ApiHandlers.ok(
        ApiPages.json("items", result, page, pageSize, AnnotationQueueItemService::json));
  }

  private HttpResponse setStatus(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String queueId = ApiRequests.pathText(ctx, "queue_id");
    String traceId = ApiRequests.traceId("trace_id", ctx.pathParam("trace_id"));
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    ObjectNode body = ApiBodies.object(request, List.of("status", "done_by"), EXAMPLE);
    QueueItemStatus status =
        status(
            "status", ApiBodies.text(body, "status", true, TraceCurationService.MAX_NAME_LENGTH));
    String doneBy = ApiBodies.text(body, "done_by", false, TraceCurationService.MAX_NAME_LENGTH);
    if (doneBy != null && status != QueueItemStatus.DONE) {
      throw ApiException.badRequest(
          "done_by", "done_by goes with status done only, not with status " + status.wireName());
    }
    return queues
        .setItemStatus(projectId, queueId, traceId, status, doneBy)
        .map(item -> ApiHandlers.ok(json(item)))
        .orElseThrow(
            () ->
                queues.find(projectId, queueId).isEmpty()
                    ? AnnotationQueueService.notFound(projectId, queueId)
                    : ApiException.notFound(
                        "trace "
                            + traceId
                            + " is not an item of annotation queue "
                            + queueId
                            + " in project "
                            + projectId));
  }

  private static QueueItemStatus status(String name, String value) {
    try {
      return QueueItemStatus.fromWireName(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          name, name + " must be pending or done, got '" + ApiRequests.abbreviate(value) + "'");
    }
  }

  private static ObjectNode json(AnnotationQueueItem item) {
    ObjectNode json = NODES.objectNode();
    json.put("trace_id", item.trace().rollup().getTraceId());
    json.put("revision", item.revision());
    json.put("status", item.status().wireName());
    json.put("added_epoch_millis", item.addedEpochMillis());
    json.put("done_epoch_millis", item.doneEpochMillis());
    json.put("done_by", item.doneBy());
    json.set("trace", TraceJson.summary(item.trace()));
    return json;
  }
}

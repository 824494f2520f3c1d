package dev.tracefold.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceAnnotation;
import dev.tracefold.store.trace.TraceCuration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What users change on a trace ({@code {id}}: 32 hex characters; 404 when the project has no such
 * trace):
 *
 * <ul>
 *   <li>{@code PUT /api/v1/traces/{id}/tags} {@code {"tags": ["a", "b"]}}: replaces the trace's
 *       user tags (at most {@value #MAX_TAGS}, each 1 to {@value #MAX_TAG_LENGTH} characters); the
 *       tags of its spans stay. 200 with the trace summary.
 *   <li>{@code POST /api/v1/traces/{id}/annotations} {@code {"text", "author", "score"?,
 *       "label"?}}: 201 with the annotation.
 *   <li>{@code POST /api/v1/traces/{id}/save}: exempts the trace from retention; {@code DELETE} of
 *       the same path undoes it. 200 with the trace summary.
 * </ul>
 *
 * Thread-safe.
 */
final class TraceCurationService {
  static final int MAX_TAGS = 100;
  static final int MAX_TAG_LENGTH = 200;
  static final int MAX_ANNOTATION_TEXT_LENGTH = 10_000;
  static final int MAX_NAME_LENGTH = 200;

  private final TraceCuration curation;

  TraceCurationService(TraceStore store) {
    this.curation = Objects.requireNonNull(store, "store").curation();
  }

  void addTo(ServerBuilder server) {
    server.route().put("/api/v1/traces/{id}/tags").build(ApiHandlers.service(this::setTags));
    server
        .route()
        .post("/api/v1/traces/{id}/annotations")
        .build(ApiHandlers.service(this::annotate));
    server
        .route()
        .post("/api/v1/traces/{id}/save")
        .build(ApiHandlers.service((c, r) -> save(c, true)));
    server
        .route()
        .delete("/api/v1/traces/{id}/save")
        .build(ApiHandlers.service((c, r) -> save(c, false)));
  }

  private HttpResponse setTags(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String traceId = ApiRequests.traceId(ctx);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    ObjectNode body = ApiBodies.object(request, List.of("tags"), "{\"tags\": [\"reviewed\"]}");
    List<String> tags = ApiBodies.strings(body, "tags", MAX_TAGS, MAX_TAG_LENGTH);
    return summary(curation.setUserTags(projectId, traceId, tags), projectId, traceId);
  }

  private HttpResponse annotate(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String traceId = ApiRequests.traceId(ctx);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    ObjectNode body =
        ApiBodies.object(
            request,
            List.of("text", "author", "score", "label"),
            "{\"text\": \"wrong answer\", \"author\": \"ana\", \"score\": 0, \"label\": \"bad\"}");
    String text = ApiBodies.text(body, "text", true, MAX_ANNOTATION_TEXT_LENGTH);
    String author = ApiBodies.text(body, "author", true, MAX_NAME_LENGTH);
    Double score = ApiBodies.number(body, "score");
    String label = ApiBodies.text(body, "label", false, MAX_NAME_LENGTH);
    TraceAnnotation annotation =
        curation
            .annotate(projectId, traceId, text, author, score, label)
            .orElseThrow(() -> ApiException.traceNotFound(projectId, traceId));
    return ApiHandlers.json(HttpStatus.CREATED, TraceJson.annotation(annotation));
  }

  private HttpResponse save(ServiceRequestContext ctx, boolean saved) {
    String projectId = ApiProject.of(ctx);
    String traceId = ApiRequests.traceId(ctx);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    return summary(curation.setSaved(projectId, traceId, saved), projectId, traceId);
  }

  private static HttpResponse summary(
      Optional<StoredTrace> trace, String projectId, String traceId) {
    return ApiHandlers.ok(
        TraceJson.summary(trace.orElseThrow(() -> ApiException.traceNotFound(projectId, traceId))));
  }
}

package dev.tracefold.api;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import dev.tracefold.auth.AuthenticatedProject;
import dev.tracefold.service.HttpRoutes;
import dev.tracefold.store.TraceStore;
import java.time.Clock;
import java.util.Objects;

/**
 * The read API over the {@link TraceStore}, JSON in snake_case, under {@code /api/v1}: adds the
 * routes of each of its services to a server. The project of every request is decided in one place,
 * {@link ApiProject}: the project of the request's API key ({@link AuthenticatedProject}), so a key
 * never sees another project's traces; errors are {@code {"error": message, "parameter": name}}
 * ({@link ApiHandlers}). The OpenAPI document ({@code GET /api/v1/openapi.json}) and docs/api.md
 * describe every route. {@link TraceApi} serves it on its own port; standalone mounts it on the
 * ingest gateway's API port ({@link HttpRoutes}). Thread-safe.
 */
public final class ReadApiService implements HttpRoutes {
  private final TraceListService list;
  private final TraceDetailService detail;
  private final TraceCurationService curation;
  private final ScoreService scores;
  private final TraceCompareService compare;
  private final SessionService sessions;
  private final TraceSetService traceSets;
  private final EvaluationRuleService evaluationRules;
  private final AnnotationQueueService annotationQueues;
  private final AnnotationQueueItemService annotationQueueItems;
  private final OpenApiService openApi = new OpenApiService();

  /**
   * @param store where traces are read from; the caller closes it
   */
  public ReadApiService(TraceStore store) {
    this(store, Clock.systemUTC());
  }

  /**
   * @param store where traces are read from; the caller closes it
   * @param clock what {@code time_range} filters count back from
   */
  public ReadApiService(TraceStore store, Clock clock) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(clock, "clock");
    this.list = new TraceListService(store, clock);
    this.detail = new TraceDetailService(store);
    this.curation = new TraceCurationService(store);
    this.scores = new ScoreService(store);
    this.compare = new TraceCompareService(store);
    this.sessions = new SessionService(store, clock);
    this.traceSets = new TraceSetService(store, clock);
    this.evaluationRules = new EvaluationRuleService(store, clock);
    this.annotationQueues = new AnnotationQueueService(store, clock);
    this.annotationQueueItems = new AnnotationQueueItemService(store);
  }

  /** Adds the read API's routes to an Armeria server under construction. */
  @Override
  public void addTo(ServerBuilder server) {
    list.addTo(server);
    detail.addTo(server);
    curation.addTo(server);
    scores.addTo(server);
    compare.addTo(server);
    sessions.addTo(server);
    traceSets.addTo(server);
    evaluationRules.addTo(server);
    annotationQueues.addTo(server);
    annotationQueueItems.addTo(server);
    openApi.addTo(server);
  }

  /**
   * An API error answer, {@code {"error": message}}; also renders refusals decided before this
   * service runs (401 of the API key check).
   */
  public static HttpResponse errorFor(RequestHeaders headers, HttpStatus status, String message) {
    return ApiHandlers.error(status, message, null);
  }
}

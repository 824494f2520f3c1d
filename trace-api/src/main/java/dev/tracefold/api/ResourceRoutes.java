package dev.tracefold.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.evaluation.ProjectResourceStore;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The five routes of a project's resource collection at {@code path} (evaluation rules, annotation
 * queues), over a {@link ProjectResourceStore}:
 *
 * <ul>
 *   <li>{@code POST path}: 201 with the resource the body defines;
 *   <li>{@code GET path?page&page_size}: {@code {"<listField>": [...], "count", "page",
 *       "page_size", "has_more"}}, oldest first;
 *   <li>{@code GET path/{id}}: the resource; {@code PUT path/{id}}: replaces its definition with
 *       the body, 200 with the resource; {@code DELETE path/{id}}: 204.
 * </ul>
 *
 * No query parameter is accepted but the page's; 404 (naming the resource and the project) when the
 * project has no resource of that id. Thread-safe when its functions are.
 *
 * @param <D> the definition a body describes
 * @param <R> the stored resource
 */
final class ResourceRoutes<D, R> {
  private final String path;
  private final String idParameter;
  private final String listField;
  private final String noun;
  private final ProjectResourceStore<D, R> store;
  private final Function<AggregatedHttpRequest, D> definition;
  private final Function<R, ObjectNode> json;

  /**
   * @param path the collection's path, e.g. {@code /api/v1/evaluation-rules}
   * @param idParameter the path parameter of one resource, e.g. {@code rule_id}
   * @param listField the list's field in a page, e.g. {@code evaluation_rules}
   * @param noun what a resource is called in a 404, e.g. {@code evaluation rule}
   * @param definition reads a POST or PUT body (400 via {@link ApiException} when it is invalid)
   * @param json renders a resource
   */
  ResourceRoutes(
      String path,
      String idParameter,
      String listField,
      String noun,
      ProjectResourceStore<D, R> store,
      Function<AggregatedHttpRequest, D> definition,
      Function<R, ObjectNode> json) {
    this.path = Objects.requireNonNull(path, "path");
    this.idParameter = Objects.requireNonNull(idParameter, "idParameter");
    this.listField = Objects.requireNonNull(listField, "listField");
    this.noun = Objects.requireNonNull(noun, "noun");
    this.store = Objects.requireNonNull(store, "store");
    this.definition = Objects.requireNonNull(definition, "definition");
    this.json = Objects.requireNonNull(json, "json");
  }

  void addTo(ServerBuilder server) {
    String one = path + "/{" + idParameter + "}";
    server.route().post(path).build(ApiHandlers.service(this::create));
    server.route().get(path).build(ApiHandlers.service(this::list));
    server.route().get(one).build(ApiHandlers.service(this::get));
    server.route().put(one).build(ApiHandlers.service(this::replace));
    server.route().delete(one).build(ApiHandlers.service(this::delete));
  }

  /** 404 for a resource the project does not have. */
  ApiException notFound(String projectId, String id) {
    return notFound(noun, projectId, id);
  }

  /**
   * 404 for a resource the project does not have, e.g. {@code trace set 7 not found in project p}.
   */
  static ApiException notFound(String noun, String projectId, String id) {
    return ApiException.notFound(noun + " " + id + " not found in project " + projectId);
  }

  private HttpResponse create(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    D defined = definition.apply(request);
    return ApiHandlers.json(HttpStatus.CREATED, json.apply(store.create(projectId, defined)));
  }

  private HttpResponse list(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    return ApiPages.serve(ctx, listField, store::list, json);
  }

  private HttpResponse get(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String id = ApiRequests.pathText(ctx, idParameter);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    return ApiHandlers.ok(
        json.apply(store.find(projectId, id).orElseThrow(() -> notFound(projectId, id))));
  }

  private HttpResponse replace(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String id = ApiRequests.pathText(ctx, idParameter);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    D defined = definition.apply(request);
    return ApiHandlers.ok(
        json.apply(
            store.update(projectId, id, defined).orElseThrow(() -> notFound(projectId, id))));
  }

  private HttpResponse delete(ServiceRequestContext ctx, AggregatedHttpRequest request) {
    String projectId = ApiProject.of(ctx);
    String id = ApiRequests.pathText(ctx, idParameter);
    ApiRequests.onlyKnown(ApiRequests.params(ctx), List.of());
    if (!store.delete(projectId, id)) {
      throw notFound(projectId, id);
    }
    return HttpResponse.of(HttpStatus.NO_CONTENT);
  }
}

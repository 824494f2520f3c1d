package dev.tracefold.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.Page;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Renders one page of a listing that is paged by number and not counted: {@code {"<items>": [...],
 * "count": items on this page, "page", "page_size", "has_more": whether items follow}}, and serves
 * the {@code GET} of a project's resources paged so (evaluation rules, annotation queues, trace
 * sets). Stateless and thread-safe.
 */
final class ApiPages {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ApiPages() {}

  /** Reads one page of a project's resources (e.g. {@code TraceSetStore::listSets}). */
  @FunctionalInterface
  interface PageReader<T> {
    Page<T> read(String projectId, int page, int pageSize);
  }

  /**
   * Serves {@code GET <collection>?page&page_size} for the request's project: 200 with the page as
   * {@link #json} renders it; 400 ({@link ApiException}) for any other query parameter or a page or
   * page size out of range.
   *
   * @param field the name of the items' array, e.g. {@code trace_sets}
   * @param reader reads the page from the store
   * @param render one item as JSON
   */
  static <T> HttpResponse serve(
      ServiceRequestContext ctx,
      String field,
      PageReader<T> reader,
      Function<T, ? extends JsonNode> render) {
    String projectId = ApiProject.of(ctx);
    Map<String, List<String>> params = ApiRequests.params(ctx);
    ApiRequests.onlyKnown(params, ApiRequests.PAGE_PARAMETERS);
    int page = ApiRequests.page(params);
    int pageSize = ApiRequests.pageSize(params);
    return ApiHandlers.ok(
        json(field, reader.read(projectId, page, pageSize), page, pageSize, render));
  }

  /**
   * @param field the name of the items' array, e.g. {@code trace_sets}
   * @param result the page the store read
   * @param page the 1-based page number asked for
   * @param pageSize the page size asked for
   * @param render one item as JSON
   */
  static <T> ObjectNode json(
      String field,
      Page<T> result,
      int page,
      int pageSize,
      Function<T, ? extends JsonNode> render) {
    ObjectNode body = NODES.objectNode();
    ArrayNode items = body.putArray(field);
    result.items().forEach(item -> items.add(render.apply(item)));
    body.put("count", result.items().size());
    body.put("page", page);
    body.put("page_size", pageSize);
    body.put("has_more", result.hasMore());
    return body;
  }
}

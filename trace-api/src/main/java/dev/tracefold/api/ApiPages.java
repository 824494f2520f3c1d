package dev.tracefold.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracefold.store.Page;
import java.util.function.Function;

/**
 * Renders one page of a listing that is paged by number and not counted: {@code {"<items>": [...],
 * "count": items on this page, "page", "page_size", "has_more": whether items follow}}. Stateless
 * and thread-safe.
 */
final class ApiPages {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ApiPages() {}

  /**
   * @param field the name of the items' array, e.g. {@code trace_sets}
   * @param result the page the store read
   * @param page the 1-based page number asked for
   * @param pageSize the page size asked for
   * @param render one item as JSON
   */
  static <T> ObjectNode json(
      String field, Page<T> result, int page, int pageSize, Function<T, JsonNode> render) {
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

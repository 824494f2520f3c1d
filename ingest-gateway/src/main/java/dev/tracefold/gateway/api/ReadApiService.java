package dev.tracefold.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.gateway.auth.AuthenticatedProject;
import dev.tracefold.store.StoredTrace;
import dev.tracefold.store.TracePage;
import dev.tracefold.store.TraceStore;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read API over the {@link TraceStore}, JSON in snake_case:
 *
 * <ul>
 *   <li>{@code GET /api/v1/traces?page=1&page_size=100}: {@code {"traces":[...], "count":n,
 *       "total_count":N, "page":p, "page_size":s}}, newest trace start first; {@code page} is
 *       1-based (default 1), {@code page_size} 1..{@value #MAX_PAGE_SIZE} (default {@value
 *       #DEFAULT_PAGE_SIZE}); listed traces carry no spans.
 *   <li>{@code GET /api/v1/traces/{id}}: one trace with {@code fired_trigger_ids} and {@code
 *       spans}; 404 when the project has no such trace; 400 when the id is not 32 hex characters
 *       (upper case is accepted and lower-cased).
 * </ul>
 *
 * The project is the one the request's API key belongs to ({@link AuthenticatedProject}); a key
 * never sees another project's traces. Errors are {@code {"error": message}} plus {@code
 * "parameter"} naming the offending query or path parameter: 400 for bad input, 404 for an unknown
 * trace (also one of another project), 503 when the store fails.
 * Store calls run on the request's blocking executor. Thread-safe.
 */
public final class ReadApiService {
  /** Page size when {@code page_size} is absent. */
  public static final int DEFAULT_PAGE_SIZE = 100;

  /** Largest {@code page_size}. */
  public static final int MAX_PAGE_SIZE = 500;

  private static final Logger log = LoggerFactory.getLogger(ReadApiService.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{32}");

  private final TraceStore store;

  /**
   * @param store where traces are read from; the caller closes it
   */
  public ReadApiService(TraceStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Adds the read API's routes to an Armeria server under construction. */
  public void addTo(ServerBuilder server) {
    server.route().get("/api/v1/traces").build((ctx, req) -> list(ctx));
    server.route().get("/api/v1/traces/{id}").build((ctx, req) -> get(ctx));
  }

  private HttpResponse list(ServiceRequestContext ctx) {
    String projectId = AuthenticatedProject.of(ctx);
    int page;
    int pageSize;
    try {
      page = intParameter(ctx, "page", 1, 1, Integer.MAX_VALUE);
      pageSize = intParameter(ctx, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    } catch (BadParameterException e) {
      return error(HttpStatus.BAD_REQUEST, e.getMessage(), e.parameter);
    }
    return blocking(
        ctx,
        () -> {
          TracePage result = store.listTraces(projectId, page, pageSize);
          ObjectNode body = NODES.objectNode();
          ArrayNode traces = body.putArray("traces");
          result.traces().forEach(trace -> traces.add(TraceJson.summary(trace)));
          body.put("count", result.traces().size());
          body.put("total_count", result.totalCount());
          body.put("page", page);
          body.put("page_size", pageSize);
          return json(HttpStatus.OK, body);
        });
  }

  private HttpResponse get(ServiceRequestContext ctx) {
    String projectId = AuthenticatedProject.of(ctx);
    String traceId = ctx.pathParam("id");
    try {
      if (traceId == null || !TRACE_ID.matcher(traceId).matches()) {
        throw new BadParameterException(
            "id", "trace id must be 32 hex characters, got '" + abbreviate(traceId) + "'");
      }
    } catch (BadParameterException e) {
      return error(HttpStatus.BAD_REQUEST, e.getMessage(), e.parameter);
    }
    String id = traceId.toLowerCase(Locale.ROOT);
    return blocking(
        ctx,
        () -> {
          Optional<StoredTrace> trace = store.findTrace(projectId, id);
          if (trace.isEmpty()) {
            return error(
                HttpStatus.NOT_FOUND, "trace " + id + " not found in project " + projectId, null);
          }
          return json(HttpStatus.OK, TraceJson.detail(trace.get()));
        });
  }

  private static HttpResponse blocking(ServiceRequestContext ctx, Supplier<HttpResponse> work) {
    return HttpResponse.of(
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return work.get();
              } catch (RuntimeException e) {
                log.warn("Read API request {} failed", ctx.path(), e);
                return error(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "trace store unavailable: " + e.getMessage(),
                    null);
              }
            },
            ctx.blockingTaskExecutor()));
  }

  private static int intParameter(
      ServiceRequestContext ctx, String name, int defaultValue, int min, int max) {
    String text = ctx.queryParam(name);
    if (text == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    String range = max == Integer.MAX_VALUE ? ">= " + min : "between " + min + " and " + max;
    throw new BadParameterException(
        name, name + " must be an integer " + range + ", got '" + abbreviate(text) + "'");
  }

  /**
   * An API error answer, {@code {"error": message}}; also renders refusals decided before this
   * service runs (401 of the API key check).
   */
  public static HttpResponse errorFor(RequestHeaders headers, HttpStatus status, String message) {
    return error(status, message, null);
  }

  private static HttpResponse error(HttpStatus status, String message, String parameter) {
    ObjectNode body = NODES.objectNode();
    body.put("error", message);
    if (parameter != null) {
      body.put("parameter", parameter);
    }
    return json(status, body);
  }

  private static HttpResponse json(HttpStatus status, ObjectNode body) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, body.toString());
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }

  private static final class BadParameterException extends RuntimeException {
    final String parameter;

    BadParameterException(String parameter, String message) {
      super(message);
      this.parameter = parameter;
    }
  }
}

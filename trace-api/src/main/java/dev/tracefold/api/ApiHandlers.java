package dev.tracefold.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.ResourceLimitException;
import dev.tracefold.store.TraceStoreException;
import dev.tracefold.store.query.InvalidFilterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs read API handlers: aggregates the request, calls the handler on the request's blocking
 * executor (handlers call the store, which blocks), and turns failures into JSON errors {@code
 * {"error": message, "parameter": name}}: {@link ApiException} with its status, {@link
 * InvalidFilterException} as 400, {@link ResourceLimitException} as 409, {@link
 * TraceStoreException} as 503 with {@code Retry-After: 5}, anything else as 500. 503 and 500 bodies
 * name what failed (the store operation, the exception class), never PostgreSQL's or an exception's
 * message, which can quote data and statements; those go to the log. Stateless and thread-safe.
 */
final class ApiHandlers {
  /** Seconds a client should wait before retrying after a 503. */
  static final String RETRY_AFTER_SECONDS = "5";

  private static final Logger log = LoggerFactory.getLogger(ApiHandlers.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ApiHandlers() {}

  /** A route's logic: reads the request, returns the response or throws {@link ApiException}. */
  @FunctionalInterface
  interface Handler {
    HttpResponse handle(ServiceRequestContext ctx, AggregatedHttpRequest request);
  }

  /** An Armeria service running {@code handler} as described above. */
  static HttpService service(Handler handler) {
    return (ctx, req) ->
        HttpResponse.of(
            req.aggregate()
                .thenApplyAsync(request -> run(handler, ctx, request), ctx.blockingTaskExecutor()));
  }

  /** A 200 JSON response. */
  static HttpResponse ok(JsonNode body) {
    return json(HttpStatus.OK, body);
  }

  /** A JSON response. */
  static HttpResponse json(HttpStatus status, JsonNode body) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, body.toString());
  }

  private static HttpResponse run(
      Handler handler, ServiceRequestContext ctx, AggregatedHttpRequest request) {
    try {
      return handler.handle(ctx, request);
    } catch (ApiException e) {
      return error(e.status(), e.getMessage(), e.parameter());
    } catch (InvalidFilterException e) {
      return error(HttpStatus.BAD_REQUEST, e.getMessage(), e.parameter());
    } catch (ResourceLimitException e) {
      return error(HttpStatus.CONFLICT, e.getMessage(), null);
    } catch (TraceStoreException e) {
      log.warn(
          "Read API request {} {} failed: trace store unavailable", ctx.method(), ctx.path(), e);
      ObjectNode body = NODES.objectNode();
      // the operation only: PostgreSQL's message can quote data and statements (issue #12)
      body.put("error", "trace store unavailable, retry later (" + e.operation() + ")");
      return HttpResponse.of(
          ResponseHeaders.of(
              HttpStatus.SERVICE_UNAVAILABLE,
              HttpHeaderNames.CONTENT_TYPE,
              MediaType.JSON_UTF_8,
              HttpHeaderNames.RETRY_AFTER,
              RETRY_AFTER_SECONDS),
          com.linecorp.armeria.common.HttpData.ofUtf8(body.toString()));
    } catch (RuntimeException e) {
      log.error("Read API request {} {} failed", ctx.method(), ctx.path(), e);
      return error(
          HttpStatus.INTERNAL_SERVER_ERROR,
          "internal error (" + e.getClass().getSimpleName() + "); the server's log has the details",
          null);
    }
  }

  static HttpResponse error(HttpStatus status, String message, String parameter) {
    ObjectNode body = NODES.objectNode();
    body.put("error", message);
    if (parameter != null) {
      body.put("parameter", parameter);
    }
    return json(status, body);
  }
}

package dev.tracefold.gateway.nativejson;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import dev.tracefold.gateway.http.HttpIngest;
import dev.tracefold.gateway.ingest.IngestOutcome;
import dev.tracefold.gateway.nativejson.NativeTraceIngest.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON answers of the native-trace endpoints (snake_case). Stateless and thread-safe.
 *
 * <p>Result: {@code {"trace_ids": [...], "accepted_traces": n, "accepted_spans": n,
 * "rejected_traces": n, "error_count": n, "errors": [{"index", "line", "id", "pointer", "rule",
 * "schema_path", "message"}, ...]}}, at most {@value #MAX_LISTED_ERRORS} errors listed; plus {@code
 * "error"} when nothing was accepted. Refusal: {@code {"error": "..."}}.
 */
final class NativeResponses {
  /** Errors listed in one answer; {@code error_count} counts them all. */
  static final int MAX_LISTED_ERRORS = 1000;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private NativeResponses() {}

  /** 200 when a trace was stored or nothing was wrong, else 400, with the result body. */
  static AggregatedHttpResponse result(Outcome outcome) {
    ObjectNode body = NODES.objectNode();
    ArrayNode ids = body.putArray("trace_ids");
    outcome.traceIds().forEach(ids::add);
    body.put("accepted_traces", outcome.traceIds().size());
    body.put("accepted_spans", outcome.acceptedSpans());
    body.put("rejected_traces", outcome.rejectedTraces());
    body.put("error_count", outcome.errors().size());
    ArrayNode errors = body.putArray("errors");
    List<ItemError> listed =
        outcome.errors().subList(0, Math.min(MAX_LISTED_ERRORS, outcome.errors().size()));
    listed.forEach(error -> errors.add(error(error)));
    boolean nothingStored = outcome.traceIds().isEmpty() && !outcome.errors().isEmpty();
    if (nothingStored) {
      body.put(
          "error",
          "no trace was accepted: "
              + outcome.rejectedTraces()
              + (outcome.rejectedTraces() == 1 ? " trace is" : " traces are")
              + " invalid; see errors");
    }
    return json(nothingStored ? HttpStatus.BAD_REQUEST : HttpStatus.OK, body);
  }

  /** The message of a 413 for a body above an endpoint's size cap. */
  static String tooLargeMessage(long maxBytes) {
    return "request body exceeds "
        + maxBytes
        + " bytes; send fewer traces per request (or upload files of at most the"
        + " tracefold.gateway.max-upload-bytes to /api/v1/traces/upload)";
  }

  /**
   * A refusal of the whole request: {@code {"error": message}}, with {@code Retry-After} when the
   * refusal carries one; a 503 adds that re-sending is safe.
   */
  static AggregatedHttpResponse refusal(IngestOutcome.Refused refused) {
    String message =
        refused.httpStatus() == 503
            ? refused.message() + " (sending the same traces again is safe: ids are deterministic)"
            : refused.message();
    return HttpIngest.refusal(
        refused,
        MediaType.JSON_UTF_8,
        errorBody(message).toString().getBytes(StandardCharsets.UTF_8));
  }

  /** {@code {"error": message}} with {@code status}. */
  static AggregatedHttpResponse error(HttpStatus status, String message) {
    return json(status, errorBody(message));
  }

  private static ObjectNode errorBody(String message) {
    ObjectNode body = NODES.objectNode();
    body.put("error", message);
    return body;
  }

  private static ObjectNode error(ItemError error) {
    ObjectNode node = NODES.objectNode();
    node.put("index", error.index());
    node.put("line", error.line());
    node.put("id", error.id());
    node.put("pointer", error.pointer());
    node.put("rule", error.rule());
    node.put("schema_path", error.schemaPath());
    node.put("message", error.message());
    return node;
  }

  private static AggregatedHttpResponse json(HttpStatus status, ObjectNode body) {
    return AggregatedHttpResponse.of(status, MediaType.JSON_UTF_8, body.toString());
  }
}

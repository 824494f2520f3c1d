package dev.tracefold.gateway.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.RequestRefusedException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Decodes OTLP/JSON trace requests (OTLP specification, "JSON Protobuf Encoding"): the proto3 JSON
 * mapping, except that {@code traceId}, {@code spanId} and {@code parentSpanId} of spans and links
 * are hex strings instead of base64. Keys may be lowerCamelCase or snake_case; enums may be names
 * or integers; 64-bit integers may be numbers or strings; unknown fields are ignored.
 *
 * <p>Ids are rewritten from hex to base64 before the proto3 JSON parser runs. For leniency towards
 * exporters that predate the hex rule, an id that is not hex but is base64 of the expected length
 * (16 bytes for trace ids, 8 for span ids) is kept as base64. Any other id string fails the
 * request.
 *
 * <p>The JSON nesting depth and string length are bounded by {@link
 * IngestLimits#maxJsonNestingDepth()} and {@link IngestLimits#maxJsonStringLength()} (Jackson
 * {@code StreamReadConstraints}).
 *
 * <p>Immutable and thread-safe.
 */
final class OtlpJsonDecoder {
  private static final HexFormat HEX = HexFormat.of();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private final IngestLimits limits;
  private final ObjectMapper json;

  /**
   * @param limits the JSON nesting depth and string length limits
   */
  OtlpJsonDecoder(IngestLimits limits) {
    this.limits = limits;
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxJsonNestingDepth())
            .maxStringLength(limits.maxJsonStringLength())
            .build();
    this.json =
        JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
  }

  /**
   * Decodes one request body (UTF-8 JSON).
   *
   * @throws RequestRefusedException (400) naming the problem, if the body is not valid OTLP/JSON or
   *     breaks a JSON limit
   */
  ExportTraceServiceRequest decode(byte[] body) {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (StreamConstraintsException e) {
      throw badRequest(limits.jsonLimitMessage(e.getOriginalMessage()));
    } catch (IOException e) {
      throw badRequest("body is not valid JSON: " + firstLine(e));
    }
    if (root == null || !root.isObject()) {
      throw badRequest("body must be a JSON object (an ExportTraceServiceRequest)");
    }
    rewriteIds((ObjectNode) root);
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    try {
      PARSER.merge(json.writeValueAsString(root), request);
    } catch (InvalidProtocolBufferException | JsonProcessingException | RuntimeException e) {
      throw badRequest("body is not a valid OTLP/JSON ExportTraceServiceRequest: " + firstLine(e));
    }
    return request.build();
  }

  private static void rewriteIds(ObjectNode root) {
    JsonNode resourceSpans = field(root, "resourceSpans", "resource_spans");
    for (int r = 0; r < size(resourceSpans); r++) {
      JsonNode scopeSpans = field(resourceSpans.get(r), "scopeSpans", "scope_spans");
      for (int s = 0; s < size(scopeSpans); s++) {
        JsonNode spans = field(scopeSpans.get(s), "spans", "spans");
        for (int i = 0; i < size(spans); i++) {
          JsonNode span = spans.get(i);
          String path = "resourceSpans[" + r + "].scopeSpans[" + s + "].spans[" + i + "]";
          rewriteId(span, path, "traceId", "trace_id", 16);
          rewriteId(span, path, "spanId", "span_id", 8);
          rewriteId(span, path, "parentSpanId", "parent_span_id", 8);
          JsonNode links = field(span, "links", "links");
          for (int l = 0; l < size(links); l++) {
            String linkPath = path + ".links[" + l + "]";
            rewriteId(links.get(l), linkPath, "traceId", "trace_id", 16);
            rewriteId(links.get(l), linkPath, "spanId", "span_id", 8);
          }
        }
      }
    }
  }

  private static void rewriteId(
      JsonNode node, String path, String camelName, String snakeName, int expectedBytes) {
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    for (String name : new String[] {camelName, snakeName}) {
      JsonNode value = object.get(name);
      if (value == null || !value.isTextual()) {
        continue; // absent, null, or a non-string the proto parser will report
      }
      object.put(name, toBase64(value.asText(), path + "." + name, expectedBytes));
    }
  }

  private static String toBase64(String id, String path, int expectedBytes) {
    try {
      return Base64.getEncoder().encodeToString(HEX.parseHex(id));
    } catch (IllegalArgumentException notHex) {
      try {
        if (Base64.getDecoder().decode(id).length == expectedBytes) {
          return id;
        }
      } catch (IllegalArgumentException notBase64) {
        // fall through to the error below
      }
      throw badRequest(
          path
              + " must be a hex string ("
              + expectedBytes * 2
              + " hex characters), got '"
              + abbreviate(id)
              + "'");
    }
  }

  private static JsonNode field(JsonNode node, String camelName, String snakeName) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode value = node.get(camelName);
    return value != null ? value : node.get(snakeName);
  }

  private static int size(JsonNode node) {
    return node != null && node.isArray() ? node.size() : 0;
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static RequestRefusedException badRequest(String message) {
    return new RequestRefusedException(400, message);
  }
}

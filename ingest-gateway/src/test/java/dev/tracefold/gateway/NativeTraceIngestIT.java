package dev.tracefold.gateway;

import static dev.tracefold.gateway.otlp.OtlpRequests.newTraceId;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ratelimit.RateLimit;
import dev.tracefold.gateway.ratelimit.RateLimitSettings;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.json.TraceJsonSchema;
import dev.tracefold.service.MeterRegistries;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native traces end to end: {@code POST /api/v1/traces} and {@code POST /api/v1/traces/upload} over
 * HTTP, spans read back from {@code tracefold.spans} on a real embedded broker.
 */
class NativeTraceIngestIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir static Path dataDir;

  private static GatewayTestInfra infra;
  private static IngestGateway gateway;
  private static IngestGateway strict;
  private static PrometheusMeterRegistry registry;
  private static String defaultKey;
  private static String nativeKey;
  private static String uploadsKey;
  private static String limitedKey;

  @BeforeAll
  static void start() {
    infra = GatewayTestInfra.start(dataDir);
    registry = MeterRegistries.newPrometheusRegistry();
    gateway =
        infra.startGateway(
            GatewaySettings.defaults().withPorts(0, 0, 0),
            TenancySettings.defaults()
                .withRateLimit(
                    new RateLimitSettings(
                        RateLimit.UNLIMITED,
                        Duration.ofSeconds(1),
                        Map.of("native-limited", new RateLimit(1, 0)))),
            registry);
    defaultKey = infra.apiKey("default");
    nativeKey = infra.apiKey("native-proj");
    uploadsKey = infra.apiKey("uploads");
    limitedKey = infra.apiKey("native-limited");
    strict =
        infra.startGateway(
            GatewaySettings.defaults()
                .withPorts(0, 0, 0)
                .withMaxRequestBytes(4096)
                .withLimits(
                    IngestLimits.defaults().withMaxSpansPerRequest(5).withMaxUploadBytes(2048)));
  }

  @AfterAll
  static void stop() {
    if (infra != null) {
      infra.close();
    }
  }

  @Test
  void postedTraceIsStoredAsNestedSpansOfTheProject() throws Exception {
    String traceId = newTraceId();
    String trace =
        """
        {"id": "%s", "name": "answer question", "inputs": {"q": "capital of France?"},
         "outputs": "Paris", "started_at": "2025-05-01T09:00:00Z", "duration_ms": 900,
         "session_id": "s-1", "tags": ["eval"],
         "spans": [{"name": "retrieve", "kind": "retrieval", "duration_ms": 100,
                    "spans": [{"name": "embed", "model": "text-embedding-3-small", "input_tokens": 7}]},
                   {"name": "answer", "kind": "llm", "model": "gpt-4o-mini", "provider": "openai",
                    "input_tokens": 50, "output_tokens": 2, "cost": 0.0001, "output": "Paris"}]}
        """
            .formatted(traceId);

    HttpResponse<String> response =
        post(
            gateway,
            "/api/v1/traces",
            "application/json",
            utf8(trace),
            Map.of("Authorization", "Bearer " + nativeKey));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()))
        .isEqualTo(
            JSON.readTree(
                "{\"trace_ids\": [\""
                    + traceId
                    + "\"], \"accepted_traces\": 1, \"accepted_spans\": 4,"
                    + " \"rejected_traces\": 0, \"error_count\": 0, \"errors\": []}"));
    List<ConsumerRecord<String, Span>> records = infra.reader().awaitTrace(traceId, 4);
    assertThat(records).extracting(ConsumerRecord::key).containsOnly("native-proj/" + traceId);
    Map<String, Span> byName =
        records.stream()
            .collect(
                java.util.stream.Collectors.toMap(r -> r.value().getName(), ConsumerRecord::value));
    Span root = byName.get("answer question");
    assertThat(root.getParentSpanId()).isNull();
    assertThat(root.getSource()).isEqualTo("native-json");
    assertThat(root.getInput()).isEqualTo("{\"q\":\"capital of France?\"}");
    assertThat(root.getSessionId()).isEqualTo("s-1");
    assertThat(byName.get("retrieve").getParentSpanId()).isEqualTo(root.getSpanId());
    assertThat(byName.get("retrieve").getKind()).isEqualTo(SpanKind.RETRIEVAL);
    assertThat(byName.get("embed").getParentSpanId()).isEqualTo(byName.get("retrieve").getSpanId());
    assertThat(byName.get("embed").getKind()).isEqualTo(SpanKind.LLM);
    assertThat(byName.get("answer").getCostMicrocents()).isEqualTo(10_000L);
    assertThat(registry.scrape())
        .contains("tracefold_gateway_spans_accepted_total{protocol=\"native-json\"}")
        .contains("tracefold_gateway_native_traces_total{outcome=\"accepted\"}");
  }

  @Test
  void invalidTracesOfAnArrayAreReportedAndTheOthersStored() throws Exception {
    String good = newTraceId();
    String body =
        """
        [{"id": "%s", "name": "fine"},
         {"id": "bad-one", "name": "broken", "spans": [{"name": "x", "kind": "agent"}]}]
        """
            .formatted(good);

    HttpResponse<String> response =
        post(gateway, "/api/v1/traces", "application/json", utf8(body), Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.get("trace_ids").toString()).isEqualTo("[\"" + good + "\"]");
    assertThat(answer.get("rejected_traces").asInt()).isEqualTo(1);
    assertThat(answer.get("errors"))
        .containsExactly(
            JSON.readTree(
                """
                {"index": 1, "line": 2, "id": "bad-one", "pointer": "/spans/0/kind", "rule": "enum",
                 "schema_path": "#/$defs/span/properties/kind/enum",
                 "message": "does not have a value in the enumeration [\\"llm\\", \\"tool\\", \\"retrieval\\", \\"chain\\", \\"other\\"]"}
                """));
    assertThat(infra.reader().awaitTrace(good, 1)).hasSize(1);
  }

  @Test
  void onlyInvalidTracesAre400AndNothingIsStored() throws Exception {
    HttpResponse<String> response =
        post(
            gateway, "/api/v1/traces", "application/json", utf8("{\"name\": \"no id\"}"), Map.of());

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.get("error").asText())
        .isEqualTo("no trace was accepted: 1 trace is invalid; see errors");
    assertThat(answer.get("errors").get(0).get("message").asText())
        .isEqualTo("required property 'id' not found");
  }

  @Test
  void jsonlUploadStoresTheGoodLinesAndReportsTheBadOnes() throws Exception {
    String first = newTraceId();
    String last = newTraceId();
    String file =
        "{\"id\": \""
            + first
            + "\", \"name\": \"one\"}\n"
            + "{\"id\": \"broken\", \"name\": \n"
            + "\n"
            + "{\"id\": \"late\", \"name\": \"two\", \"started_at\": \"not a time\"}\n"
            + "{\"id\": \""
            + last
            + "\", \"name\": \"three\", \"spans\": [{\"name\": \"s\"}]}\n";

    HttpResponse<String> response =
        postMultipart(
            gateway, "traces.jsonl", utf8(file), Map.of("Authorization", "Bearer " + uploadsKey));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.get("trace_ids").toString())
        .isEqualTo("[\"" + first + "\",\"" + last + "\"]");
    assertThat(answer.get("accepted_spans").asInt()).isEqualTo(3);
    assertThat(answer.get("rejected_traces").asInt()).isEqualTo(2);
    JsonNode errors = answer.get("errors");
    assertThat(errors).hasSize(2);
    assertThat(errors.get(0).get("line").asInt()).isEqualTo(2);
    assertThat(errors.get(0).get("rule").asText()).isEqualTo("json");
    assertThat(errors.get(0).get("message").asText()).startsWith("line is not valid JSON: ");
    assertThat(errors.get(1))
        .isEqualTo(
            JSON.readTree(
                """
                {"index": 2, "line": 4, "id": "late", "pointer": "/started_at", "rule": "format",
                 "schema_path": "#/$defs/timestamp/format",
                 "message": "does not match the date-time pattern must be a valid RFC 3339 date-time"}
                """));
    assertThat(infra.reader().awaitTrace(last, 2))
        .extracting(ConsumerRecord::key)
        .containsOnly("uploads/" + last);
    assertThat(infra.reader().awaitTrace(first, 1)).hasSize(1);
  }

  @Test
  void rawGzippedNdjsonAndJsonArrayUploadsAreAccepted() throws Exception {
    String a = newTraceId();
    String b = newTraceId();
    byte[] ndjson = gzip(utf8("{\"id\": \"" + a + "\", \"name\": \"a\"}\r\n"));
    byte[] array = utf8("[{\"id\": \"" + b + "\", \"name\": \"b\"}]");

    HttpResponse<String> gzipped =
        post(
            gateway,
            "/api/v1/traces/upload",
            "application/x-ndjson",
            ndjson,
            Map.of("Content-Encoding", "gzip"));
    HttpResponse<String> json =
        post(gateway, "/api/v1/traces/upload", "application/json", array, Map.of());

    assertThat(gzipped.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(gzipped.body()).get("trace_ids").toString())
        .isEqualTo("[\"" + a + "\"]");
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(json.body()).get("trace_ids").toString()).isEqualTo("[\"" + b + "\"]");
    assertThat(infra.reader().awaitTrace(a, 1)).hasSize(1);
    assertThat(infra.reader().awaitTrace(b, 1)).hasSize(1);
  }

  @Test
  void uploadsAreProducedInBatchesAndOversizedTracesReported() throws Exception {
    StringBuilder file = new StringBuilder();
    List<String> ids = List.of(newTraceId(), newTraceId(), newTraceId());
    for (String id : ids) {
      file.append("{\"id\": \"")
          .append(id)
          .append("\", \"name\": \"t\", \"spans\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}\n");
    }
    file.append(
        "{\"id\": \"huge\", \"name\": \"t\", \"spans\": [{\"name\": \"a\"}, {\"name\": \"b\"},"
            + " {\"name\": \"c\"}, {\"name\": \"d\"}, {\"name\": \"e\"}]}\n");

    HttpResponse<String> response =
        postMultipart(strict, "many.ndjson", utf8(file.toString()), Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.get("accepted_traces").asInt()).isEqualTo(3);
    assertThat(answer.get("accepted_spans").asInt()).isEqualTo(9);
    assertThat(answer.get("errors").get(0).get("rule").asText()).isEqualTo("max_spans");
    assertThat(answer.get("errors").get(0).get("message").asText())
        .isEqualTo(
            "trace has 6 spans (its root included), more than the limit of 5"
                + " (tracefold.gateway.max-spans-per-request)");
    for (String id : ids) {
      assertThat(infra.reader().awaitTrace(id, 3)).hasSize(3);
    }
  }

  @Test
  void aSpanTooLargeForKafkaIsReportedAndTheRestOfItsTraceStored() throws Exception {
    String traceId = newTraceId();
    // every field within its own limit (input and output 256 Ki characters, 120 attributes of
    // 8,000), together over the broker's 1 MB record size
    StringBuilder fields = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      fields.append(", \"note").append(i).append("\": \"").append("n".repeat(8_000)).append('"');
    }
    String trace =
        "{\"id\": \""
            + traceId
            + "\", \"name\": \"t\", \"spans\": [{\"name\": \"small\"},"
            + " {\"id\": \"big\", \"name\": \"big\", \"input\": \""
            + "x".repeat(200_000)
            + "\", \"output\": \""
            + "y".repeat(200_000)
            + "\""
            + fields
            + "}]}";

    HttpResponse<String> response =
        post(gateway, "/api/v1/traces", "application/json", utf8(trace), Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.get("trace_ids").toString()).isEqualTo("[\"" + traceId + "\"]");
    assertThat(answer.get("accepted_spans").asInt()).isEqualTo(2);
    JsonNode error = answer.get("errors").get(0);
    assertThat(error.get("pointer").asText()).isEqualTo("/spans/1");
    assertThat(error.get("rule").asText()).isEqualTo("kafka_record_size");
    assertThat(error.get("message").asText())
        .matches("span [0-9a-f]{16} 'big' is too large for Kafka: .*")
        .endsWith(
            "; the span was skipped, the rest of the trace stored (shorten its input, output or"
                + " attributes)");
    assertThat(infra.reader().awaitTrace(traceId, 2))
        .extracting(r -> r.value().getName())
        .containsExactlyInAnyOrder("t", "small");
  }

  @Test
  void limitsAreAnsweredWith413() throws Exception {
    String sixSpans =
        "[{\"id\": \"a\", \"name\": \"t\", \"spans\": [{\"name\": \"x\"}, {\"name\": \"y\"}]},"
            + " {\"id\": \"b\", \"name\": \"t\", \"spans\": [{\"name\": \"x\"}, {\"name\":"
            + " \"y\"}]}]";
    byte[] bigFile = utf8("{\"id\": \"big\", \"name\": \"" + "x".repeat(3000) + "\"}\n");

    HttpResponse<String> tooManySpans =
        post(strict, "/api/v1/traces", "application/json", utf8(sixSpans), Map.of());
    HttpResponse<String> tooLargePost =
        post(
            strict,
            "/api/v1/traces",
            "application/json",
            utf8("[" + "{},".repeat(2000) + "{}]"),
            Map.of());
    HttpResponse<String> tooLargeUpload =
        post(strict, "/api/v1/traces/upload", "application/x-ndjson", bigFile, Map.of());
    HttpResponse<String> tooLargeUnzipped =
        post(
            strict,
            "/api/v1/traces/upload",
            "application/x-ndjson",
            gzip(bigFile),
            Map.of("Content-Encoding", "gzip"));

    assertThat(tooManySpans.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(tooManySpans.body()).get("error").asText())
        .isEqualTo(
            "request carries 6 spans, more than the limit of 5"
                + " (tracefold.gateway.max-spans-per-request); send at most 5 spans per request");
    assertThat(tooLargePost.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(tooLargePost.body()).get("error").asText())
        .isEqualTo(
            "request body exceeds 4096 bytes; send fewer traces per request (or upload files of at"
                + " most the tracefold.gateway.max-upload-bytes to /api/v1/traces/upload)");
    assertThat(tooLargeUpload.statusCode()).isEqualTo(413);
    assertThat(tooLargeUnzipped.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(tooLargeUnzipped.body()).get("error").asText())
        .isEqualTo(
            "file exceeds 2048 bytes (tracefold.gateway.max-upload-bytes, checked after"
                + " decompression too); split it into smaller files");
  }

  @Test
  void unsupportedContentAndBadHeadersAreRefusedWithAMessage() throws Exception {
    HttpResponse<String> text = post(gateway, "/api/v1/traces", "text/plain", utf8("{}"), Map.of());
    HttpResponse<String> unknownFile = postMultipart(gateway, "traces.txt", utf8("{}"), Map.of());
    HttpResponse<String> noKey =
        post(
            gateway, "/api/v1/traces", "application/json", utf8("{}"), Map.of("Authorization", ""));
    HttpResponse<String> badKey =
        postMultipart(
            gateway,
            "traces.jsonl",
            utf8("{}"),
            Map.of("Authorization", "Bearer tf_notAValidKey000000000000000000"));
    HttpResponse<String> noField =
        post(
            gateway,
            "/api/v1/traces/upload",
            "multipart/form-data; boundary=xyz",
            utf8(
                "--xyz\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\n{}\r\n--xyz--\r\n"),
            Map.of());

    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(JSON.readTree(text.body()).get("error").asText())
        .isEqualTo(
            "Content-Type 'text/plain' is not supported; send application/json (one trace or an"
                + " array), or upload a .jsonl file to /api/v1/traces/upload");
    assertThat(unknownFile.statusCode()).isEqualTo(415);
    assertThat(JSON.readTree(unknownFile.body()).get("error").asText())
        .isEqualTo(
            "cannot tell whether the upload is JSON or JSONL (file name 'traces.txt', content type"
                + " application/octet-stream); name the file .json or .jsonl, send Content-Type"
                + " application/json or application/x-ndjson, or add ?format=json|jsonl");
    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(noKey.headers().firstValue("www-authenticate")).isPresent();
    assertThat(JSON.readTree(noKey.body()).get("error").asText()).startsWith("missing API key");
    assertThat(badKey.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(badKey.body()).get("error").asText()).contains("is not valid");
    assertThat(noField.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noField.body()).get("error").asText())
        .isEqualTo(
            "multipart body has no 'file' field; send the file as form field 'file' (curl -F"
                + " file=@traces.jsonl)");
  }

  @Test
  void theSchemaIsServed() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri(gateway, "/api/v1/schemas/trace.schema.json"))
                .header("Authorization", "Bearer " + defaultKey) // every API route needs a key
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("application/schema+json; charset=utf-8");
    assertThat(response.body()).isEqualTo(TraceJsonSchema.text());
  }

  @Test
  void kafkaNotAcknowledgingInTimeIs503WithRetryAfter() throws Exception {
    GatewayTestInfra.IsolatedGateway isolated =
        infra.startIsolatedGateway(
            dataDir.resolve("kafka-503"),
            GatewaySettings.defaults().withPorts(0, 0, 0).withProduceTimeout(Duration.ofSeconds(2)),
            MeterRegistries.newPrometheusRegistry());
    IngestGateway impatient = isolated.gateway();
    String before = "{\"id\": \"" + newTraceId() + "\", \"name\": \"before\"}";
    assertThat(
            post(impatient, "/api/v1/traces", "application/json", utf8(before), Map.of())
                .statusCode())
        .isEqualTo(200);

    isolated.stopBroker();
    String after = "{\"id\": \"" + newTraceId() + "\", \"name\": \"after\"}";
    HttpResponse<String> response =
        post(impatient, "/api/v1/traces", "application/json", utf8(after), Map.of());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("retry-after")).hasValue("5");
    assertThat(JSON.readTree(response.body()).get("error").asText())
        .startsWith("Kafka did not acknowledge 1 span within 2000ms")
        .endsWith("; retry later (sending the same traces again is safe: ids are deterministic)");
  }

  @Test
  void overTheProjectsRateLimitIs429WithRetryAfterAndNothingIsProduced() throws Exception {
    String auth = "Bearer " + limitedKey;
    String first = "{\"id\": \"" + newTraceId() + "\", \"name\": \"first\"}";
    String refusedId = newTraceId();
    String second = "{\"id\": \"" + refusedId + "\", \"name\": \"second\"}";

    HttpResponse<String> admitted =
        post(
            gateway,
            "/api/v1/traces",
            "application/json",
            utf8(first),
            Map.of("Authorization", auth));
    HttpResponse<String> refused =
        post(
            gateway,
            "/api/v1/traces",
            "application/json",
            utf8(second),
            Map.of("Authorization", auth));
    HttpResponse<String> refusedUpload =
        postMultipart(gateway, "more.jsonl", utf8(second + "\n"), Map.of("Authorization", auth));

    assertThat(admitted.statusCode()).isEqualTo(200);
    for (HttpResponse<String> response : List.of(refused, refusedUpload)) {
      assertThat(response.statusCode()).isEqualTo(429);
      assertThat(response.headers().firstValue("retry-after")).isPresent();
      assertThat(Long.parseLong(response.headers().firstValue("retry-after").orElseThrow()))
          .isPositive();
      assertThat(JSON.readTree(response.body()).get("error").asText())
          .contains("native-limited")
          .contains("rate limit");
    }
    assertThat(registry.scrape())
        .contains("tracefold_gateway_rate_limited_total{protocol=\"native-json\"}")
        .contains("tracefold_gateway_requests_total{protocol=\"native-json\",status=\"429\"}");
  }

  private static URI uri(IngestGateway target, String path) {
    return URI.create("http://localhost:" + target.apiPort() + path);
  }

  private static HttpResponse<String> post(
      IngestGateway target,
      String path,
      String contentType,
      byte[] body,
      Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(target, path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    java.util.Map<String, String> all = new java.util.HashMap<>();
    all.put("Authorization", "Bearer " + defaultKey); // unless the test sends its own ("" = none)
    all.putAll(headers);
    all.forEach(
        (name, value) -> {
          if (!value.isEmpty()) {
            request.header(name, value);
          }
        });
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postMultipart(
      IngestGateway target, String fileName, byte[] content, Map<String, String> headers)
      throws IOException, InterruptedException {
    String boundary = "tracefold-it-boundary";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        utf8(
            "--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
    body.write(content);
    body.write(utf8("\r\n--" + boundary + "--\r\n"));
    return post(
        target,
        "/api/v1/traces/upload",
        "multipart/form-data; boundary=" + boundary,
        body.toByteArray(),
        headers);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }
}

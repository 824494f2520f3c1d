package dev.tracefold.gateway;

import static dev.tracefold.gateway.otlp.OtlpRequests.attr;
import static dev.tracefold.gateway.otlp.OtlpRequests.hex;
import static dev.tracefold.gateway.otlp.OtlpRequests.newTraceId;
import static dev.tracefold.gateway.otlp.OtlpRequests.request;
import static dev.tracefold.gateway.otlp.OtlpRequests.span;
import static dev.tracefold.gateway.otlp.OtlpRequests.statusMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.key.ApiKeySource;
import dev.tracefold.store.key.ApiKeyStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OTLP/HTTP receiver end to end: real OpenTelemetry SDK and raw HTTP requests in, records read
 * back from {@code tracefold.spans} on a real embedded Kafka broker.
 */
class OtlpHttpIngestIT {
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  @TempDir static Path dataDir;

  private static GatewayTestInfra infra;
  private static TraceStore store;
  private static KafkaSettings kafka;
  private static IngestGateway gateway;
  private static SpanTopicReader reader;
  private static String defaultKey;
  private static String sdkKey;
  private static String jsonKey;
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    infra = GatewayTestInfra.start(dataDir);
    kafka = infra.kafka();
    store = infra.store();
    reader = infra.reader();
    gateway = infra.startGateway(GatewaySettings.defaults().withPorts(0, 0, 0));
    ApiKeyStore keys = store.apiKeys();
    defaultKey = keys.create("default", ApiKeySource.CLI).key();
    sdkKey = keys.create("sdk-proj", ApiKeySource.CLI).key();
    jsonKey = keys.create("json-proj", ApiKeySource.CLI).key();
  }

  @AfterAll
  static void stop() {
    if (infra != null) {
      infra.close();
    }
  }

  @Test
  @SuppressWarnings("try") // the scope only makes the root span current
  void openTelemetrySdkExportIsNormalisedAndKeyedByProjectAndTrace() {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint("http://localhost:" + gateway.otlpHttpPort() + "/v1/traces")
            .addHeader("Authorization", "Bearer " + sdkKey)
            .setCompression("gzip")
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.of(AttributeKey.stringKey("service.name"), "travel-agent")))
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build();
    Tracer tracer = provider.get("tracefold-it", "1.0.0");
    String traceId;
    io.opentelemetry.api.trace.Span root =
        tracer.spanBuilder("invoke_agent travel").setSpanKind(SpanKind.INTERNAL).startSpan();
    try (Scope ignored = root.makeCurrent()) {
      traceId = root.getSpanContext().getTraceId();
      tracer
          .spanBuilder("chat gpt-4o")
          .setSpanKind(SpanKind.CLIENT)
          .setAttribute("gen_ai.operation.name", "chat")
          .setAttribute("gen_ai.request.model", "gpt-4o")
          .setAttribute("gen_ai.response.model", "gpt-4o-2024-08-06")
          .setAttribute("gen_ai.provider.name", "openai")
          .setAttribute("gen_ai.usage.input_tokens", 120L)
          .setAttribute("gen_ai.usage.output_tokens", 45L)
          .setAttribute("session.id", "session-42")
          .setAttribute("user.id", "user-7")
          .startSpan()
          .end();
      tracer
          .spanBuilder("execute_tool get_weather")
          .setAttribute("gen_ai.operation.name", "execute_tool")
          .setAttribute("gen_ai.tool.name", "get_weather")
          .startSpan()
          .end();
      io.opentelemetry.api.trace.Span failing = tracer.spanBuilder("call flaky api").startSpan();
      failing.recordException(new IllegalStateException("upstream said no"));
      failing.setStatus(StatusCode.ERROR, "upstream said no");
      failing.end();
    } finally {
      root.end();
    }
    CompletableResultCode flushed = provider.forceFlush().join(30, TimeUnit.SECONDS);
    assertThat(flushed.isSuccess()).as("the gateway answered the SDK's export with 200").isTrue();
    provider.close();

    List<ConsumerRecord<String, Span>> records = reader.awaitTrace(traceId, 4);
    assertThat(records).hasSize(4);
    assertThat(records).extracting(ConsumerRecord::key).containsOnly("sdk-proj/" + traceId);
    Map<String, Span> byName =
        records.stream()
            .map(ConsumerRecord::value)
            .collect(Collectors.toMap(Span::getName, Function.identity()));
    Span rootSpan = byName.get("invoke_agent travel");
    Span llm = byName.get("chat gpt-4o");
    Span tool = byName.get("execute_tool get_weather");
    Span failed = byName.get("call flaky api");

    for (Span span : byName.values()) {
      assertThat(span.getProjectId()).isEqualTo("sdk-proj");
      assertThat(span.getTraceId()).isEqualTo(traceId);
      assertThat(span.getSpanId()).hasSize(16);
      assertThat(span.getServiceName()).isEqualTo("travel-agent");
      assertThat(span.getScopeName()).isEqualTo("tracefold-it");
      assertThat(span.getSource()).isEqualTo("otlp-http-protobuf");
      assertThat(span.getEndEpochNanos()).isGreaterThanOrEqualTo(span.getStartEpochNanos());
      assertThat(span.getStartEpochNanos()).isGreaterThan(1_600_000_000_000_000_000L);
      assertThat(span.getIngestedEpochMillis()).isGreaterThan(1_600_000_000_000L);
      assertThat(span.getResourceAttributes()).containsEntry("service.name", "travel-agent");
    }
    assertThat(rootSpan.getParentSpanId()).isNull();
    assertThat(rootSpan.getKind()).isEqualTo(dev.tracefold.schemas.SpanKind.OTHER);
    assertThat(rootSpan.getOtelSpanKind()).isEqualTo("INTERNAL");
    assertThat(rootSpan.getSpanId()).isEqualTo(rootSpanIdOf(root));

    assertThat(llm.getParentSpanId()).isEqualTo(rootSpan.getSpanId());
    assertThat(llm.getKind()).isEqualTo(dev.tracefold.schemas.SpanKind.LLM);
    assertThat(llm.getOtelSpanKind()).isEqualTo("CLIENT");
    assertThat(llm.getModel()).isEqualTo("gpt-4o");
    assertThat(llm.getProvider()).isEqualTo("openai");
    assertThat(llm.getInputTokens()).isEqualTo(120L);
    assertThat(llm.getOutputTokens()).isEqualTo(45L);
    assertThat(llm.getSessionId()).isEqualTo("session-42");
    assertThat(llm.getUserId()).isEqualTo("user-7");
    assertThat(llm.getAttributes()).containsEntry("gen_ai.usage.input_tokens", 120L);
    // estimated for gpt-4o-2024-08-06: 120 × 2.50 + 45 × 10 = 750 USD per 1M → 75,000 microcents
    assertThat(llm.getCostMicrocents()).isEqualTo(75_000L);
    assertThat(llm.getCostIsEstimated()).isTrue();

    assertThat(tool.getKind()).isEqualTo(dev.tracefold.schemas.SpanKind.TOOL);
    assertThat(tool.getModel()).isNull();

    assertThat(failed.getStatus()).isEqualTo(SpanStatus.ERROR);
    assertThat(failed.getStatusMessage()).isEqualTo("upstream said no");
    assertThat(failed.getEvents()).hasSize(1);
    assertThat(failed.getEvents().get(0).getName()).isEqualTo("exception");
    assertThat(failed.getEvents().get(0).getAttributes())
        .containsEntry("exception.type", "java.lang.IllegalStateException")
        .containsEntry("exception.message", "upstream said no");
    assertThat(rootSpan.getStatus()).isEqualTo(SpanStatus.UNSET);
  }

  @Test
  void jsonRequestWithHexIdsIsAccepted() throws Exception {
    String traceId = newTraceId();
    String json =
        """
        {"resourceSpans":[{
          "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"json-svc"}}]},
          "scopeSpans":[{"scope":{"name":"manual"},"spans":[{
            "traceId":"%s","spanId":"1111111111111111","name":"chat claude",
            "kind":3,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000250000000",
            "attributes":[
              {"key":"gen_ai.system","value":{"stringValue":"anthropic"}},
              {"key":"gen_ai.response.model","value":{"stringValue":"claude-sonnet-4"}},
              {"key":"gen_ai.usage.prompt_tokens","value":{"intValue":"30"}},
              {"key":"gen_ai.usage.completion_tokens","value":{"doubleValue":12.0}}],
            "status":{"code":1}}]}]}]}
        """
            .formatted(traceId.toUpperCase());

    HttpResponse<byte[]> response =
        post(
            JSON,
            null,
            json.getBytes(StandardCharsets.UTF_8),
            Map.of("Authorization", "Bearer " + jsonKey));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith(JSON));
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    ConsumerRecord<String, Span> record = reader.awaitTrace(traceId, 1).get(0);
    assertThat(record.key()).isEqualTo("json-proj/" + traceId);
    Span span = record.value();
    assertThat(span.getSpanId()).isEqualTo("1111111111111111");
    assertThat(span.getSource()).isEqualTo("otlp-http-json");
    assertThat(span.getOtelSpanKind()).isEqualTo("CLIENT");
    assertThat(span.getStatus()).isEqualTo(SpanStatus.OK);
    assertThat(span.getStartEpochNanos()).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(span.getEndEpochNanos()).isEqualTo(1_700_000_000_250_000_000L);
    assertThat(span.getKind()).isEqualTo(dev.tracefold.schemas.SpanKind.LLM);
    assertThat(span.getModel()).isEqualTo("claude-sonnet-4");
    assertThat(span.getProvider()).isEqualTo("anthropic");
    assertThat(span.getInputTokens()).isEqualTo(30L);
    assertThat(span.getOutputTokens()).isEqualTo(12L);
    assertThat(span.getServiceName()).isEqualTo("json-svc");
  }

  @Test
  void gzippedProtobufAndJsonAreAccepted() throws Exception {
    String traceId = newTraceId();
    byte[] protobuf =
        request(span("gz proto", "2222222222222222", null).setTraceId(hex(traceId))).toByteArray();
    String json =
        """
        {"resource_spans":[{"scope_spans":[{"spans":[{"trace_id":"%s","span_id":"3333333333333333",
          "parent_span_id":"2222222222222222","name":"gz json","start_time_unix_nano":1,"end_time_unix_nano":2}]}]}]}
        """
            .formatted(traceId);

    HttpResponse<byte[]> protoResponse = post(PROTOBUF, "gzip", gzip(protobuf), Map.of());
    HttpResponse<byte[]> jsonResponse =
        post(JSON, "gzip", gzip(json.getBytes(StandardCharsets.UTF_8)), Map.of());

    assertThat(protoResponse.statusCode()).isEqualTo(200);
    assertThat(ExportTraceServiceResponse.parseFrom(protoResponse.body()).hasPartialSuccess())
        .isFalse();
    assertThat(jsonResponse.statusCode()).isEqualTo(200);
    List<ConsumerRecord<String, Span>> records = reader.awaitTrace(traceId, 2);
    assertThat(records).extracting(ConsumerRecord::key).containsOnly("default/" + traceId);
    assertThat(records)
        .extracting(r -> r.value().getName() + "|" + r.value().getSource())
        .containsExactlyInAnyOrder("gz proto|otlp-http-protobuf", "gz json|otlp-http-json");
  }

  @Test
  void invalidSpansGivePartialSuccessAndTheRestIsProduced() throws Exception {
    String traceId = newTraceId();
    ExportTraceServiceRequest body =
        request(
            span("good", "4444444444444444", null).setTraceId(hex(traceId)),
            span("backwards", "5555555555555555", null)
                .setTraceId(hex(traceId))
                .setStartTimeUnixNano(20)
                .setEndTimeUnixNano(10),
            span("zero id", "0000000000000000", null).setTraceId(hex(traceId)));

    HttpResponse<byte[]> response = post(PROTOBUF, null, body.toByteArray(), Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue(PROTOBUF);
    ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(response.body());
    assertThat(answer.getPartialSuccess().getRejectedSpans()).isEqualTo(2);
    assertThat(answer.getPartialSuccess().getErrorMessage())
        .isEqualTo(
            "2 of 3 spans rejected: span #1 'backwards': end_time_unix_nano (10) is before"
                + " start_time_unix_nano (20); span #2 'zero id': span_id must not be all zeros");
    assertThat(reader.awaitTrace(traceId, 1))
        .extracting(r -> r.value().getName())
        .containsExactly("good");

    String json =
        """
        {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"%s","spanId":"6666666666666666","name":""}]}]}]}
        """
            .formatted(traceId);
    HttpResponse<byte[]> jsonResponse =
        post(JSON, null, json.getBytes(StandardCharsets.UTF_8), Map.of());
    assertThat(jsonResponse.statusCode()).isEqualTo(200);
    ExportTraceServiceResponse.Builder jsonAnswer = ExportTraceServiceResponse.newBuilder();
    JsonFormat.parser().merge(new String(jsonResponse.body(), StandardCharsets.UTF_8), jsonAnswer);
    assertThat(jsonAnswer.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(jsonAnswer.getPartialSuccess().getErrorMessage())
        .isEqualTo("1 of 1 spans rejected: span #0: name is missing");
  }

  @Test
  void undecodableBodiesAre400AndNothingIsProduced() throws Exception {
    String traceId = newTraceId();
    // A valid span followed by one whose id is not hex: the whole request is refused.
    String badJson =
        """
        {"resourceSpans":[{"scopeSpans":[{"spans":[
          {"traceId":"%s","spanId":"7777777777777777","name":"never stored"},
          {"traceId":"%s","spanId":"not-hex!","name":"broken"}]}]}]}
        """
            .formatted(traceId, traceId);

    HttpResponse<byte[]> json =
        post(JSON, null, badJson.getBytes(StandardCharsets.UTF_8), Map.of());
    HttpResponse<byte[]> proto =
        post(PROTOBUF, null, new byte[] {(byte) 0xff, 0x01, 0x02}, Map.of());
    HttpResponse<byte[]> gzip = post(PROTOBUF, "gzip", "definitely not gzip".getBytes(), Map.of());

    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(new String(json.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"code\":3,\"message\":\"resourceSpans[0].scopeSpans[0].spans[1].spanId must be a hex"
                + " string (16 hex characters), got 'not-hex!'\"}");
    assertThat(proto.statusCode()).isEqualTo(400);
    assertThat(proto.headers().firstValue("content-type")).hasValue(PROTOBUF);
    assertThat(statusMessage(proto.body()))
        .startsWith("body is not a valid protobuf ExportTraceServiceRequest: ");
    assertThat(gzip.statusCode()).isEqualTo(400);
    assertThat(statusMessage(gzip.body()))
        .startsWith("body is not valid gzip (Content-Encoding: gzip): ");

    // A later span of the same trace (same key, same partition) arrives alone.
    byte[] marker =
        request(span("marker", "8888888888888888", null).setTraceId(hex(traceId))).toByteArray();
    assertThat(post(PROTOBUF, null, marker, Map.of()).statusCode()).isEqualTo(200);
    assertThat(reader.awaitTrace(traceId, 1))
        .extracting(r -> r.value().getName())
        .containsExactly("marker");
  }

  @Test
  void otherContentTypesAndEncodingsAre415AndOtherMethods405() throws Exception {
    HttpResponse<byte[]> text = post("text/plain", null, "hi".getBytes(), Map.of());
    HttpResponse<byte[]> brotli = post(JSON, "br", "{}".getBytes(), Map.of());

    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(new String(text.body(), StandardCharsets.UTF_8))
        .contains(
            "Content-Type 'text/plain' is not supported; use application/x-protobuf or"
                + " application/json");
    assertThat(
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://localhost:" + gateway.otlpHttpPort() + "/v1/traces"))
                        .header("Authorization", "Bearer " + defaultKey)
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode())
        .isEqualTo(405);
    assertThat(brotli.statusCode()).isEqualTo(415);
    assertThat(new String(brotli.body(), StandardCharsets.UTF_8))
        .contains("Content-Encoding 'br' is not supported; use gzip or none");
  }

  @Test
  void bodiesAboveTheCapAre413AlsoAfterDecompression() throws Exception {
    try (IngestGateway small =
        IngestGateway.start(
            GatewaySettings.defaults().withPorts(0, 0, 0).withMaxRequestBytes(64 * 1024),
            kafka,
            store,
            MeterRegistries.newPrometheusRegistry())) {
      String traceId = newTraceId();
      byte[] big =
          request(
                  span("big", "9999999999999999", null)
                      .setTraceId(hex(traceId))
                      .addAttributes(attr("padding", "x".repeat(100_000))))
              .toByteArray();
      byte[] compressed = gzip(big);
      assertThat(compressed.length).isLessThan(64 * 1024);

      HttpResponse<byte[]> plain = post(small.otlpHttpPort(), PROTOBUF, null, big, Map.of());
      HttpResponse<byte[]> gzipped =
          post(small.otlpHttpPort(), PROTOBUF, "gzip", compressed, Map.of());

      assertThat(plain.statusCode()).isEqualTo(413);
      assertThat(plain.headers().firstValue("content-type")).hasValue(PROTOBUF);
      assertThat(statusMessage(plain.body()))
          .isEqualTo("request body exceeds 65536 bytes; send fewer spans per request");
      assertThat(gzipped.statusCode()).isEqualTo(413);
      assertThat(statusMessage(gzipped.body()))
          .isEqualTo(
              "request body exceeds 65536 bytes (after decompression); send fewer spans per"
                  + " request");
    }
  }

  @Test
  void moreSpansThanTheLimitAre413AndNothingIsProduced() throws Exception {
    try (IngestGateway few =
        IngestGateway.start(
            GatewaySettings.defaults()
                .withPorts(0, 0, 0)
                .withLimits(IngestLimits.defaults().withMaxSpansPerRequest(2)),
            kafka,
            store,
            MeterRegistries.newPrometheusRegistry())) {
      String traceId = newTraceId();
      byte[] body =
          request(
                  span("a", "1111111111111111", null).setTraceId(hex(traceId)),
                  span("b", "2222222222222222", null).setTraceId(hex(traceId)),
                  span("c", "3333333333333333", null).setTraceId(hex(traceId)))
              .toByteArray();

      HttpResponse<byte[]> response = post(few.otlpHttpPort(), PROTOBUF, null, body, Map.of());

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(statusMessage(response.body()))
          .isEqualTo(
              "request carries 3 spans, more than the limit of 2"
                  + " (tracefold.gateway.max-spans-per-request); send at most 2 spans per request");
      // a later span of the same trace lands on the same partition, after anything produced before
      byte[] marker =
          request(span("marker", "4444444444444444", null).setTraceId(hex(traceId))).toByteArray();
      assertThat(post(few.otlpHttpPort(), PROTOBUF, null, marker, Map.of()).statusCode())
          .isEqualTo(200);
      assertThat(reader.awaitTrace(traceId, 1))
          .extracting(r -> r.value().getName())
          .containsExactly("marker");
    }
  }

  @Test
  void spanTooLargeForKafkaIsRejectedNotRetried() throws Exception {
    String traceId = newTraceId();
    ExportTraceServiceRequest body =
        request(
            span("fits", "aaaaaaaaaaaaaaaa", null).setTraceId(hex(traceId)),
            hugeSpan("huge prompt", "bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa")
                .setTraceId(hex(traceId)));

    HttpResponse<byte[]> response = post(PROTOBUF, null, body.toByteArray(), Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(response.body());
    assertThat(answer.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(answer.getPartialSuccess().getErrorMessage())
        .startsWith(
            "1 of 2 spans rejected: span bbbbbbbbbbbbbbbb 'huge prompt' is too large for Kafka: ");
    assertThat(reader.awaitTrace(traceId, 1))
        .extracting(r -> r.value().getName())
        .containsExactly("fits");
  }

  @Test
  void metricsAndHealthAreServedOnTheApiPort() throws Exception {
    byte[] body =
        request(span("counted", "cccccccccccccccc", null).setTraceId(hex(newTraceId())))
            .toByteArray();
    assertThat(post(PROTOBUF, null, body, Map.of()).statusCode()).isEqualTo(200);

    String metrics = get(gateway.apiPort(), "/metrics");
    assertThat(metrics)
        .contains("tracefold_gateway_spans_accepted_total{protocol=\"otlp-http-protobuf\"}")
        .contains(
            "tracefold_gateway_requests_total{protocol=\"otlp-http-protobuf\",status=\"200\"}")
        .contains(
            "tracefold_gateway_ingest_latency_seconds_count{protocol=\"otlp-http-protobuf\"}");
    assertThat(get(gateway.apiPort(), "/api/v1/schemas/trace.schema.json")).contains("\"$schema\"");
    String health = get(gateway.apiPort(), "/health");
    assertThat(health)
        .contains("\"status\":\"UP\"")
        .contains("\"kafka\":{\"status\":\"UP\"")
        .contains("\"store\":{\"status\":\"UP\"");
  }

  @Test
  void kafkaNotAcknowledgingInTimeIs503WithRetryAfter() throws Exception {
    PrometheusMeterRegistry registry = MeterRegistries.newPrometheusRegistry();
    GatewayTestInfra.IsolatedGateway isolated =
        infra.startIsolatedGateway(
            dataDir.resolve("kafka-503"),
            GatewaySettings.defaults().withPorts(0, 0, 0).withProduceTimeout(Duration.ofSeconds(2)),
            registry);
    IngestGateway impatient = isolated.gateway();
    int port = impatient.otlpHttpPort();
    byte[] before =
        request(span("before", "dddddddddddddddd", null).setTraceId(hex(newTraceId())))
            .toByteArray();
    assertThat(post(port, PROTOBUF, null, before, Map.of()).statusCode()).isEqualTo(200);

    isolated.stopBroker();
    byte[] after =
        request(span("after", "eeeeeeeeeeeeeeee", null).setTraceId(hex(newTraceId())))
            .toByteArray();
    long startNanos = System.nanoTime();
    HttpResponse<byte[]> response = post(port, PROTOBUF, null, after, Map.of());
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("retry-after")).hasValue("5");
    // Either the request timer fires, or the producer's own max.block.ms (same value) when the
    // topic's metadata was dropped after the broker went away.
    assertThat(statusMessage(response.body()))
        .startsWith("Kafka did not acknowledge 1 span within 2000ms")
        .endsWith("; retry later");
    assertThat(took)
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2))
        .isLessThan(Duration.ofSeconds(20));
    assertThat(get(impatient.apiPort(), "/health")).contains("\"kafka\":{\"status\":\"DOWN\"");
    assertThat(registry.scrape())
        .contains(
            "tracefold_gateway_spans_rejected_total{protocol=\"otlp-http-protobuf\",reason=\"kafka_unavailable\"}"
                + " 1.0")
        .contains(
            "tracefold_gateway_requests_total{protocol=\"otlp-http-protobuf\",status=\"503\"}"
                + " 1.0");
  }

  private static String rootSpanIdOf(io.opentelemetry.api.trace.Span span) {
    return span.getSpanContext().getSpanId();
  }

  /**
   * A span too large for a Kafka record (1 MiB) even after the attribute limits (values cut to 8192
   * characters): 300 events of 8000 characters each.
   */
  private static io.opentelemetry.proto.trace.v1.Span.Builder hugeSpan(
      String name, String spanId, String parentId) {
    io.opentelemetry.proto.trace.v1.Span.Builder span = span(name, spanId, parentId);
    for (int i = 0; i < 300; i++) {
      span.addEvents(
          io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
              .setName("gen_ai.content.prompt")
              .setTimeUnixNano(2_000)
              .addAttributes(attr("gen_ai.prompt", randomText(8000))));
    }
    return span;
  }

  private static String randomText(int length) {
    StringBuilder text = new StringBuilder(length);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  private static HttpResponse<byte[]> post(
      String contentType, String encoding, byte[] body, Map<String, String> headers)
      throws IOException, InterruptedException {
    return post(gateway.otlpHttpPort(), contentType, encoding, body, headers);
  }

  private static HttpResponse<byte[]> post(
      int port, String contentType, String encoding, byte[] body, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/traces"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      request.header("Content-Encoding", encoding);
    }
    if (!headers.containsKey("Authorization")) {
      request.header("Authorization", "Bearer " + defaultKey);
    }
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String get(int port, String path) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + defaultKey)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}

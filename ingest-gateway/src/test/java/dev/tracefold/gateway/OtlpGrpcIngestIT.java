package dev.tracefold.gateway;

import static dev.tracefold.gateway.otlp.OtlpRequests.attr;
import static dev.tracefold.gateway.otlp.OtlpRequests.hex;
import static dev.tracefold.gateway.otlp.OtlpRequests.newTraceId;
import static dev.tracefold.gateway.otlp.OtlpRequests.request;
import static dev.tracefold.gateway.otlp.OtlpRequests.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ratelimit.RateLimit;
import dev.tracefold.gateway.ratelimit.RateLimitSettings;
import dev.tracefold.schemas.Span;
import dev.tracefold.service.MeterRegistries;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OTLP/gRPC receiver end to end: the OpenTelemetry SDK's {@code OtlpGrpcSpanExporter} and raw
 * gRPC calls in, records read back from {@code tracefold.spans} on a real embedded broker.
 */
class OtlpGrpcIngestIT {
  private static final int MAX_REQUEST_BYTES = 64 * 1024;
  private static final int MAX_SPANS = 5;

  @TempDir static Path dataDir;

  private static GatewayTestInfra infra;
  private static IngestGateway gateway;
  private static PrometheusMeterRegistry registry;
  private static ManagedChannel channel;
  private static String grpcKey;
  private static String limitedKey;

  /** {@link #channel} with {@code authorization: Bearer <grpcKey>} on every call. */
  private static Channel authed;

  @BeforeAll
  static void start() {
    infra = GatewayTestInfra.start(dataDir);
    registry = MeterRegistries.newPrometheusRegistry();
    gateway =
        infra.startGateway(
            GatewaySettings.defaults()
                .withPorts(0, 0, 0)
                .withMaxRequestBytes(MAX_REQUEST_BYTES)
                .withLimits(
                    IngestLimits.defaults()
                        .withMaxSpansPerRequest(MAX_SPANS)
                        .withAttributeLimits(4, 10)),
            TenancySettings.defaults()
                .withRateLimit(
                    new RateLimitSettings(
                        RateLimit.UNLIMITED,
                        Duration.ofSeconds(1),
                        Map.of("grpc-limited", new RateLimit(1, 0)))),
            registry);
    grpcKey = infra.apiKey("grpc-proj");
    limitedKey = infra.apiKey("grpc-limited");
    channel =
        Grpc.newChannelBuilder(
                "localhost:" + gateway.otlpGrpcPort(), InsecureChannelCredentials.create())
            .build();
    authed = withKey(channel, grpcKey);
  }

  private static Channel withKey(Channel channel, String key) {
    Metadata metadata = new Metadata();
    metadata.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (infra != null) {
      infra.close();
    }
  }

  @Test
  @SuppressWarnings("try") // the scope only makes the root span current
  void openTelemetrySdkGrpcExportWithGzipIsNormalisedLikeOtlpHttp() {
    OtlpGrpcSpanExporter exporter =
        OtlpGrpcSpanExporter.builder()
            .setEndpoint("http://localhost:" + gateway.otlpGrpcPort())
            .addHeader("Authorization", "Bearer " + grpcKey)
            .setCompression("gzip")
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.of(AttributeKey.stringKey("service.name"), "grpc-agent")))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    Tracer tracer = provider.get("tracefold-grpc-it", "1.0.0");
    io.opentelemetry.api.trace.Span root = tracer.spanBuilder("invoke_agent planner").startSpan();
    String traceId = root.getSpanContext().getTraceId();
    try (Scope ignored = root.makeCurrent()) {
      tracer
          .spanBuilder("chat claude")
          .setAttribute("gen_ai.provider.name", "anthropic")
          .setAttribute("gen_ai.request.model", "claude-sonnet-4")
          .setAttribute("gen_ai.usage.input_tokens", 300L)
          .startSpan()
          .end();
    } finally {
      root.end();
    }
    CompletableResultCode flushed = provider.forceFlush().join(30, TimeUnit.SECONDS);
    assertThat(flushed.isSuccess()).as("the gateway answered the SDK's export with OK").isTrue();
    assertThat(infra.reader().awaitTrace(traceId, 2))
        .extracting(ConsumerRecord::key)
        .as("the project is the key's")
        .containsOnly("grpc-proj/" + traceId);
    provider.close();

    List<ConsumerRecord<String, Span>> records = infra.reader().awaitTrace(traceId, 2);
    assertThat(records).extracting(ConsumerRecord::key).containsOnly("grpc-proj/" + traceId);
    Map<String, Span> byName =
        records.stream()
            .map(ConsumerRecord::value)
            .collect(Collectors.toMap(Span::getName, Function.identity()));
    Span rootSpan = byName.get("invoke_agent planner");
    Span llm = byName.get("chat claude");
    assertThat(rootSpan.getParentSpanId()).isNull();
    assertThat(llm.getParentSpanId()).isEqualTo(rootSpan.getSpanId());
    assertThat(llm.getSource()).isEqualTo("otlp-grpc");
    assertThat(llm.getServiceName()).isEqualTo("grpc-agent");
    assertThat(llm.getModel()).isEqualTo("claude-sonnet-4");
    assertThat(llm.getProvider()).isEqualTo("anthropic");
    assertThat(llm.getInputTokens()).isEqualTo(300L);
    assertThat(registry.scrape())
        .contains("tracefold_gateway_spans_accepted_total{protocol=\"otlp-grpc\"}")
        .contains("tracefold_gateway_requests_total{protocol=\"otlp-grpc\",status=\"200\"}");
  }

  @Test
  void invalidSpansAreReportedAsPartialSuccessAndTheRestAccepted() {
    String traceId = newTraceId();
    ExportTraceServiceRequest body =
        request(
            span("good", "1111111111111111", null).setTraceId(hex(traceId)),
            span("backwards", "2222222222222222", "1111111111111111")
                .setTraceId(hex(traceId))
                .setStartTimeUnixNano(20)
                .setEndTimeUnixNano(10));

    ExportTraceServiceResponse response =
        TraceServiceGrpc.newBlockingStub(authed).withCompression("gzip").export(body);

    assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(response.getPartialSuccess().getErrorMessage())
        .isEqualTo(
            "1 of 2 spans rejected: span #1 'backwards': end_time_unix_nano (10) is before"
                + " start_time_unix_nano (20)");
    assertThat(infra.reader().awaitTrace(traceId, 1))
        .extracting(r -> r.value().getName())
        .containsExactly("good");
  }

  @Test
  void undecodableMessageIsInvalidArgument() {
    byte[] truncated = {0x0A, 0x05, 0x01};
    String protobufError = protobufParseError(truncated);

    StatusRuntimeException error = exportRaw(truncated, Map.of());

    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(error.getStatus().getDescription())
        .isEqualTo("message is not a valid protobuf ExportTraceServiceRequest: " + protobufError);
    assertThat(registry.scrape())
        .contains("tracefold_gateway_requests_total{protocol=\"otlp-grpc\",status=\"400\"}");
  }

  @Test
  void callsWithoutOrWithABadKeyAreUnauthenticated() {
    byte[] body = request(span("x", "3333333333333333", null)).toByteArray();

    StatusRuntimeException missing = exportRaw(body, Map.of("authorization", ""));
    StatusRuntimeException malformed = exportRaw(body, Map.of("authorization", "Basic abc"));
    StatusRuntimeException unknown =
        exportRaw(body, Map.of("authorization", "Bearer tf_notAValidKey000000000000000000"));

    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(missing.getStatus().getDescription()).startsWith("missing API key");
    assertThat(malformed.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(unknown.getStatus().getDescription()).contains("is not valid");
    assertThat(registry.scrape())
        .contains("tracefold_gateway_requests_total{protocol=\"otlp-grpc\",status=\"401\"}")
        .contains("tracefold_gateway_auth_failures_total{reason=\"missing\"}")
        .contains("tracefold_gateway_auth_failures_total{reason=\"invalid\"}");
  }

  @Test
  void overTheProjectsRateLimitIsResourceExhaustedWithRetryInfo() throws Exception {
    TraceServiceGrpc.TraceServiceBlockingStub limited =
        TraceServiceGrpc.newBlockingStub(withKey(channel, limitedKey));
    limited.export(request(span("first", "8888888888888888", null).setTraceId(hex(newTraceId()))));

    String refusedTrace = newTraceId();
    StatusRuntimeException error =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                limited.export(
                    request(
                        span("second", "8888888888888889", null).setTraceId(hex(refusedTrace)))));

    assertThat(error).isNotNull();
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(error.getStatus().getDescription()).contains("grpc-limited").contains("rate limit");
    com.google.rpc.Status details = StatusProto.fromThrowable(error);
    RetryInfo retry = details.getDetails(0).unpack(RetryInfo.class);
    assertThat(retry.getRetryDelay().getSeconds()).isPositive();
    assertThat(registry.scrape())
        .contains("tracefold_gateway_requests_total{protocol=\"otlp-grpc\",status=\"429\"}")
        .contains("tracefold_gateway_rate_limited_total{protocol=\"otlp-grpc\"}");
    // another project is not affected
    TraceServiceGrpc.newBlockingStub(authed)
        .export(request(span("other", "8888888888888890", null).setTraceId(hex(newTraceId()))));
  }

  @Test
  void moreSpansThanTheLimitIsInvalidArgumentAndNothingIsProduced() {
    String traceId = newTraceId();
    io.opentelemetry.proto.trace.v1.Span.Builder[] spans =
        new io.opentelemetry.proto.trace.v1.Span.Builder[MAX_SPANS + 1];
    for (int i = 0; i < spans.length; i++) {
      spans[i] = span("s" + i, String.format("%016x", i + 1), null).setTraceId(hex(traceId));
    }

    StatusRuntimeException error = exportRaw(request(spans).toByteArray(), Map.of());

    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(error.getStatus().getDescription())
        .isEqualTo(
            "request carries 6 spans, more than the limit of 5"
                + " (tracefold.gateway.max-spans-per-request); send at most 5 spans per request");
    assertThat(registry.scrape())
        .contains("tracefold_gateway_requests_total{protocol=\"otlp-grpc\",status=\"413\"}");
    // a later span of the same trace lands on the same partition, after anything produced before
    TraceServiceGrpc.newBlockingStub(authed)
        .export(request(span("marker", "9999999999999999", null).setTraceId(hex(traceId))));
    assertThat(infra.reader().awaitTrace(traceId, 1))
        .extracting(r -> r.value().getName())
        .containsExactly("marker");
  }

  @Test
  void messagesAboveTheCapAreResourceExhaustedAlsoAfterDecompression() {
    byte[] big =
        request(
                span("big", "4444444444444444", null)
                    .addAttributes(attr("pad", "x".repeat(100_000))))
            .toByteArray();

    StatusRuntimeException plain = exportRaw(big, Map.of());
    StatusRuntimeException gzipped =
        exportRaw(big, Map.of(), CallOptions.DEFAULT.withCompression("gzip"));

    assertThat(plain.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(gzipped.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(plain.getStatus().getDescription())
        .isEqualTo("gRPC message exceeds maximum size 65536: " + (big.length));
    assertThat(gzipped.getStatus().getDescription())
        .isEqualTo("Decompressed gRPC message exceeds maximum size 65536");
  }

  @Test
  void attributesBeyondTheLimitsAreDroppedOrTruncatedAndCounted() {
    String traceId = newTraceId();
    ExportTraceServiceRequest body =
        request(
            span("wide", "5555555555555555", null)
                .setTraceId(hex(traceId))
                .addAttributes(attr("a", "0123456789abc"))
                .addAttributes(attr("b", 2L))
                .addAttributes(attr("c", true))
                .addAttributes(attr("d", 1.5))
                .addAttributes(attr("e", "dropped"))
                .addAttributes(attr("f", "dropped too")));

    TraceServiceGrpc.newBlockingStub(authed).export(body);

    Span span = infra.reader().awaitTrace(traceId, 1).get(0).value();
    assertThat(span.getAttributes())
        .isEqualTo(
            Map.of(
                "a",
                "0123456789",
                "b",
                2L,
                "c",
                true,
                "d",
                1.5,
                "tracefold.dropped_attributes_count",
                2L,
                "tracefold.truncated_attributes_count",
                1L));
    assertThat(registry.scrape())
        .contains(
            "tracefold_gateway_attributes_limited_total{action=\"dropped\",protocol=\"otlp-grpc\"}")
        .contains(
            "tracefold_gateway_attributes_limited_total{action=\"truncated\",protocol=\"otlp-grpc\"}");
  }

  @Test
  void kafkaNotAcknowledgingInTimeIsUnavailableWithRetryInfo() throws Exception {
    GatewayTestInfra.IsolatedGateway isolated =
        infra.startIsolatedGateway(
            dataDir.resolve("kafka-unavailable"),
            GatewaySettings.defaults().withPorts(0, 0, 0).withProduceTimeout(Duration.ofSeconds(2)),
            MeterRegistries.newPrometheusRegistry());
    IngestGateway impatient = isolated.gateway();
    ManagedChannel impatientChannel = null;
    try {
      impatientChannel =
          Grpc.newChannelBuilder(
                  "localhost:" + impatient.otlpGrpcPort(), InsecureChannelCredentials.create())
              .build();
      TraceServiceGrpc.TraceServiceBlockingStub stub =
          TraceServiceGrpc.newBlockingStub(withKey(impatientChannel, grpcKey));
      stub.export(request(span("before", "6666666666666666", null).setTraceId(hex(newTraceId()))));

      isolated.stopBroker();
      StatusRuntimeException error =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                      .export(
                          request(
                              span("after", "7777777777777777", null)
                                  .setTraceId(hex(newTraceId())))));

      assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(error.getStatus().getDescription())
          .startsWith("Kafka did not acknowledge 1 span within 2000ms")
          .endsWith("; retry later");
      com.google.rpc.Status details = StatusProto.fromThrowable(error);
      assertThat(details.getDetailsList()).hasSize(1);
      RetryInfo retry = details.getDetails(0).unpack(RetryInfo.class);
      assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(5);
    } finally {
      if (impatientChannel != null) {
        impatientChannel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  /** {@code TraceService/Export} with the request and response as raw bytes. */
  private static final MethodDescriptor<byte[], byte[]> RAW_EXPORT =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(TraceServiceGrpc.getExportMethod().getFullMethodName())
          .setRequestMarshaller(new Bytes())
          .setResponseMarshaller(new Bytes())
          .build();

  private static StatusRuntimeException exportRaw(byte[] body, Map<String, String> headers) {
    return exportRaw(body, headers, CallOptions.DEFAULT);
  }

  /** Sends raw bytes to {@code TraceService/Export}; returns the error it must end with. */
  private static StatusRuntimeException exportRaw(
      byte[] body, Map<String, String> headers, CallOptions options) {
    Map<String, String> all = new java.util.HashMap<>();
    all.put("authorization", "Bearer " + grpcKey); // unless the test sends its own ("" = none)
    all.putAll(headers);
    Metadata metadata = new Metadata();
    all.forEach(
        (k, v) -> {
          if (!v.isEmpty()) {
            metadata.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v);
          }
        });
    Channel withHeaders =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata));
    StatusRuntimeException error =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> ClientCalls.blockingUnaryCall(withHeaders, RAW_EXPORT, options, body));
    assertThat(error).as("the call failed").isNotNull();
    return error;
  }

  private static String protobufParseError(byte[] body) {
    try {
      ExportTraceServiceRequest.parseFrom(body);
      throw new AssertionError("expected a parse error");
    } catch (InvalidProtocolBufferException e) {
      return e.getMessage();
    }
  }

  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

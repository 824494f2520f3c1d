package dev.tracefold.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.topic.Topic;
import dev.tracefold.schemas.topic.Topics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: the real OpenTelemetry Java SDK exports over OTLP/HTTP to the
 * gateway of a standalone pipeline (embedded KRaft broker, embedded PostgreSQL, real Kafka
 * Streams); the trace shows in_progress, then complete, on the read API, on
 * tracefold.traces.completed, and with one evaluation trigger of a rule created through the API.
 * Every request carries the development API key the pipeline created on start; without it, requests
 * are refused.
 */
class StandalonePipelineIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path dataDir;
  private static StandalonePipeline pipeline;

  @BeforeAll
  static void startPipeline() {
    pipeline = StandalonePipeline.start(TestConfigs.ephemeral(dataDir, "4s"));
  }

  @AfterAll
  static void stopPipeline() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void otelSdkTraceBecomesInProgressThenCompleteWithItsRollupAndOneTrigger() throws Exception {
    JsonNode rule =
        postJson(
            "/api/v1/evaluation-rules",
            "{\"name\": \"errors\", \"filter\": {\"status\": \"ERROR\"}}");
    String traceId = exportAgentTrace();

    JsonNode inProgress = awaitTrace(traceId, "in_progress");
    assertThat(inProgress.get("revision").asInt()).isZero();

    JsonNode trace = awaitTrace(traceId, "complete");
    assertThat(trace.get("id").asText()).isEqualTo(traceId);
    assertThat(trace.get("name").asText()).isEqualTo("agent run");
    assertThat(trace.get("revision").asInt()).isEqualTo(1);
    assertThat(trace.get("completion_reason").asText()).isEqualTo("QUIET");
    assertThat(trace.get("status").asText()).isEqualTo("ERROR");
    assertThat(trace.get("span_count").asInt()).isEqualTo(4);
    assertThat(trace.get("error_count").asInt()).isEqualTo(1);
    assertThat(trace.get("input_tokens").asLong()).isEqualTo(1200);
    assertThat(trace.get("output_tokens").asLong()).isEqualTo(300);
    assertThat(trace.get("total_tokens").asLong()).isEqualTo(1500);
    // estimated from the bundled price table: gpt-4o, 1200 × 2.50 + 300 × 10 USD per 1M tokens
    assertThat(trace.get("cost_microcents").asLong()).isEqualTo(600_000L);
    assertThat(trace.get("cost_is_estimated").asBoolean()).isTrue();
    assertThat(trace.get("models")).extracting(JsonNode::asText).containsExactly("gpt-4o");
    assertThat(trace.get("providers")).extracting(JsonNode::asText).containsExactly("openai");
    assertThat(trace.get("service_names"))
        .extracting(JsonNode::asText)
        .containsExactly("support-agent");
    assertThat(trace.get("session_id").asText()).isEqualTo("session-42");
    assertThat(trace.get("user_id").asText()).isEqualTo("user-7");
    assertThat(trace.get("start_epoch_nanos").asLong()).isEqualTo(AGENT_START_NANOS);
    assertThat(trace.get("duration_nanos").asLong()).isEqualTo(AGENT_DURATION_NANOS);

    JsonNode spans = trace.get("spans");
    assertThat(spans).hasSize(4);
    JsonNode llm = findSpan(spans, "chat gpt-4o");
    assertThat(llm.get("kind").asText()).isEqualTo("llm");
    assertThat(llm.get("model").asText()).isEqualTo("gpt-4o");
    assertThat(llm.get("provider").asText()).isEqualTo("openai");
    assertThat(llm.get("input_tokens").asLong()).isEqualTo(1200);
    assertThat(llm.get("output_tokens").asLong()).isEqualTo(300);
    assertThat(llm.get("parent_span_id").asText())
        .isEqualTo(findSpan(spans, "agent run").get("span_id").asText());
    assertThat(findSpan(spans, "fetch order").get("status").asText()).isEqualTo("ERROR");
    assertThat(findSpan(spans, "execute_tool lookup_order").get("kind").asText()).isEqualTo("tool");

    CompletedTrace completed = readOne(Topics.COMPLETED_TRACES, "default/" + traceId);
    assertThat(completed.getRevision()).isEqualTo(1);
    assertThat(completed.getSpans()).hasSize(4);
    assertThat(completed.getRollup().getErrorCount()).isEqualTo(1);
    assertThat(completed.getRollup().getTotalTokens()).isEqualTo(1500);
    assertThat(completed.getRollup().getRootSpanName()).isEqualTo("agent run");

    EvaluationTrigger trigger = readOne(Topics.EVALUATION_TRIGGERS, "default/" + traceId);
    assertThat(trigger.getTraceId()).isEqualTo(traceId);
    assertThat(trigger.getRevision()).isEqualTo(1);
    assertThat(trigger.getRollup().getSpanCount()).isEqualTo(4);
    assertThat(trigger.getApiPath()).isEqualTo("/api/v1/traces/" + traceId);
    assertThat(trigger.getRuleId()).isEqualTo(rule.get("id").asText());
    assertThat(trace.get("fired_triggers"))
        .extracting(t -> t.get("trigger_id").asText())
        .containsExactly(trigger.getTriggerId());

    JsonNode list = getJson("/api/v1/traces?page=1&page_size=10");
    assertThat(list.get("total_count").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(list.get("traces").get(0).get("id").asText()).isEqualTo(traceId);

    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.body()).contains("tracefold_completion_completions_total{reason=\"QUIET\"}");
    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
  }

  /**
   * Issue #12: standalone listened on every interface, so anyone on the network could send spans
   * with its well-known development key and read every trace. It now listens on loopback only
   * unless {@code tracefold.standalone.bind-address} says otherwise; this machine's other addresses
   * (an {@code eth0} on the test machines) are refused.
   */
  @Test
  void listensOnLoopbackOnlyByDefault() throws Exception {
    List<InetAddress> otherAddresses =
        NetworkInterface.networkInterfaces()
            .flatMap(NetworkInterface::inetAddresses)
            .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
            .toList();
    assumeThat(otherAddresses).as("a non-loopback IPv4 address on this machine").isNotEmpty();
    for (int port : List.of(pipeline.apiPort(), pipeline.otlpHttpPort(), pipeline.otlpGrpcPort())) {
      try (Socket loopback = new Socket(InetAddress.getLoopbackAddress(), port)) {
        assertThat(loopback.isConnected()).isTrue();
      }
      for (InetAddress other : otherAddresses) {
        assertThatThrownBy(
                () -> {
                  try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(other, port), 2_000);
                  }
                })
            .as("port %d on %s", port, other)
            .isInstanceOf(IOException.class);
      }
    }
  }

  /**
   * Issue #12: an OTLP span with a 6,000-character {@code session.id} was answered 200, then
   * refused by the store (the session index holds at most ~2,700 bytes): the root went to the dead
   * letters and the trace never completed. The gateway now bounds the indexed fields, so what it
   * acknowledges is stored.
   */
  @Test
  void anOtlpTraceWithAnOverlongSessionIdIsStoredAndCompletes() throws Exception {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint("http://localhost:" + pipeline.otlpHttpPort() + "/v1/traces")
            .addHeader("Authorization", "Bearer " + developmentKey())
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    String traceId;
    try {
      Tracer tracer = provider.get("tracefold-e2e");
      var root =
          tracer
              .spanBuilder("long session run")
              .setAttribute("session.id", "s".repeat(6_000))
              .setAttribute("user.id", "u".repeat(3_000))
              .startSpan();
      tracer.spanBuilder("step").setParent(Context.current().with(root)).startSpan().end();
      root.end();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess())
          .as("OTLP export acknowledged")
          .isTrue();
      traceId = root.getSpanContext().getTraceId();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    JsonNode trace = awaitTrace(traceId, "complete");

    assertThat(trace.get("span_count").asInt()).isEqualTo(2);
    assertThat(trace.get("name").asText()).isEqualTo("long session run");
    assertThat(trace.get("session_id").asText())
        .hasSize(256)
        .startsWith("s".repeat(200))
        .matches(".*~[0-9a-f]{16}");
    assertThat(trace.get("user_id").asText()).hasSize(256);
  }

  private static final long AGENT_START_NANOS =
      Instant.parse("2026-11-21T09:00:00Z").toEpochMilli() * 1_000_000L;
  private static final long AGENT_DURATION_NANOS = 2_000_000_000L;

  /** Exports a four-span agent trace with fixed timestamps and returns its trace id. */
  private static String exportAgentTrace() {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint("http://localhost:" + pipeline.otlpHttpPort() + "/v1/traces")
            .addHeader("Authorization", "Bearer " + developmentKey())
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"), "support-agent"))))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    try {
      Tracer tracer = provider.get("tracefold-e2e");
      long t0 = AGENT_START_NANOS;
      var root =
          tracer
              .spanBuilder("agent run")
              .setStartTimestamp(t0, TimeUnit.NANOSECONDS)
              .setAttribute("session.id", "session-42")
              .setAttribute("user.id", "user-7")
              .startSpan();
      Context parent = Context.current().with(root);
      tracer
          .spanBuilder("chat gpt-4o")
          .setParent(parent)
          .setSpanKind(SpanKind.CLIENT)
          .setStartTimestamp(t0 + 100_000_000L, TimeUnit.NANOSECONDS)
          .setAttribute("gen_ai.operation.name", "chat")
          .setAttribute("gen_ai.provider.name", "openai")
          .setAttribute("gen_ai.request.model", "gpt-4o")
          .setAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 1200L)
          .setAttribute(AttributeKey.longKey("gen_ai.usage.output_tokens"), 300L)
          .startSpan()
          .end(t0 + 900_000_000L, TimeUnit.NANOSECONDS);
      tracer
          .spanBuilder("execute_tool lookup_order")
          .setParent(parent)
          .setStartTimestamp(t0 + 1_000_000_000L, TimeUnit.NANOSECONDS)
          .setAttribute("gen_ai.operation.name", "execute_tool")
          .startSpan()
          .end(t0 + 1_500_000_000L, TimeUnit.NANOSECONDS);
      var failing =
          tracer
              .spanBuilder("fetch order")
              .setParent(parent)
              .setStartTimestamp(t0 + 1_100_000_000L, TimeUnit.NANOSECONDS)
              .startSpan();
      failing.setStatus(StatusCode.ERROR, "order service timed out");
      failing.end(t0 + 1_400_000_000L, TimeUnit.NANOSECONDS);
      root.end(t0 + AGENT_DURATION_NANOS, TimeUnit.NANOSECONDS);
      CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(flushed.isSuccess()).as("OTLP export acknowledged").isTrue();
      return root.getSpanContext().getTraceId();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private static JsonNode awaitTrace(String traceId, String state) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              HttpResponse<String> response = get("/api/v1/traces/" + traceId + "?format=flat");
              if (response.statusCode() != 200) {
                return false;
              }
              found[0] = JSON.readTree(response.body());
              return state.equals(found[0].get("state").asText());
            });
    return found[0];
  }

  private static JsonNode findSpan(JsonNode spans, String name) {
    for (JsonNode span : spans) {
      if (name.equals(span.get("name").asText())) {
        return span;
      }
    }
    throw new AssertionError("no span named " + name + " in " + spans);
  }

  private static <V> V readOne(Topic<String, V> topic, String key) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafkaBootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<V> values = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(
            props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                  if (key.equals(record.key())) {
                    values.add(record.value());
                  }
                }
                return !values.isEmpty();
              });
      // anything else for this key would be a duplicate
      for (int i = 0; i < 5; i++) {
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(
                r -> {
                  if (key.equals(r.key())) {
                    values.add(r.value());
                  }
                });
      }
    }
    assertThat(values).as("records for %s on %s", key, topic.name()).hasSize(1);
    return values.get(0);
  }

  @Test
  void requestsWithoutTheKeyAre401AndTheKeyIsKeptForTheNextStart() throws Exception {
    HttpResponse<String> read =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + pipeline.apiPort() + "/api/v1/traces"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> ingest =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + pipeline.otlpHttpPort() + "/v1/traces"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer tf_" + "0".repeat(32))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> health =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + pipeline.apiPort() + "/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(read.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(read.body()).get("error").asText()).startsWith("missing API key");
    assertThat(ingest.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(ingest.body()).get("code").asInt()).isEqualTo(16);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(Files.readString(dataDir.resolve("dev-api-key")).strip())
        .isEqualTo(developmentKey());
  }

  private static String developmentKey() {
    return pipeline.developmentApiKey().orElseThrow();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + pipeline.apiPort() + path))
            .header("Authorization", "Bearer " + developmentKey())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode postJson(String path, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + pipeline.apiPort() + path))
                .header("Authorization", "Bearer " + developmentKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body());
  }

  private static JsonNode getJson(String path) throws Exception {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}

package dev.tracefold.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root-aware completion end to end (issue #16): two services, each with its own OpenTelemetry SDK
 * tracer provider and a batch span processor with a different schedule delay, export one nested
 * agent trace to a standalone pipeline whose quiet window is 2 minutes; the trace is complete
 * (reason ROOT, every span, revision 1, its trigger fired) seconds after its root span ended.
 */
class RootAwareCompletionIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration QUIET_WINDOW = Duration.ofMinutes(2);
  @TempDir static Path dataDir;
  private static StandalonePipeline pipeline;

  @BeforeAll
  static void startPipeline() {
    pipeline =
        StandalonePipeline.start(
            ConfigFactory.parseMap(Map.of("tracefold.completion.root-grace", "5s"))
                .withFallback(TestConfigs.ephemeral(dataDir, QUIET_WINDOW.toSeconds() + "s")));
  }

  @AfterAll
  static void stopPipeline() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private static SdkTracerProvider service(String name, Duration batchDelay) {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint("http://localhost:" + pipeline.otlpHttpPort() + "/v1/traces")
            .addHeader("Authorization", "Bearer " + pipeline.developmentApiKey().orElseThrow())
            .build();
    return SdkTracerProvider.builder()
        .setResource(
            Resource.getDefault()
                .merge(
                    Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), name))))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(batchDelay).build())
        .build();
  }

  @Test
  void aNestedTraceFromTwoServicesCompletesSecondsAfterItsRootEnds() throws Exception {
    JsonNode rule = send("POST", "/api/v1/evaluation-rules", "{\"name\": \"every trace\"}", 201);
    SdkTracerProvider planner = service("planner", Duration.ofMillis(200));
    SdkTracerProvider retriever = service("retriever", Duration.ofSeconds(2));
    String traceId;
    long rootEndedNanos;
    try {
      Tracer plannerTracer = planner.get("planner");
      Tracer retrieverTracer = retriever.get("retriever");
      Span root = plannerTracer.spanBuilder("agent run").startSpan();
      Context inRoot = Context.current().with(root);
      Span plan =
          plannerTracer
              .spanBuilder("chat gpt-4o")
              .setParent(inRoot)
              .setAttribute("gen_ai.request.model", "gpt-4o")
              .setAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 100L)
              .startSpan();
      plan.end();
      // the retriever service works under the root (its context propagated in-process here)
      Span search = retrieverTracer.spanBuilder("retrieve").setParent(inRoot).startSpan();
      Span embed =
          retrieverTracer
              .spanBuilder("embed query")
              .setParent(Context.current().with(search))
              .startSpan();
      embed.end();
      search.end();
      root.end();
      rootEndedNanos = System.nanoTime();
      traceId = root.getSpanContext().getTraceId();
      // each service exports on its own schedule: the root (200 ms) long before the retriever (2 s)
      assertThat(planner.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      planner.shutdown().join(10, TimeUnit.SECONDS);
    }
    try {
      JsonNode[] found = new JsonNode[1];
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                HttpResponse<String> response = get("/api/v1/traces/" + traceId + "?format=flat");
                if (response.statusCode() != 200) {
                  return false;
                }
                found[0] = JSON.readTree(response.body());
                return "complete".equals(found[0].get("state").asText());
              });
      long completeAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rootEndedNanos);
      JsonNode trace = found[0];
      assertThat(trace.get("completion_reason").asText()).isEqualTo("ROOT");
      assertThat(trace.get("revision").asInt()).isEqualTo(1);
      assertThat(trace.get("span_count").asInt())
          .as("the retriever's late batch is included")
          .isEqualTo(4);
      assertThat(trace.get("service_names"))
          .extracting(JsonNode::asText)
          .containsExactly("planner", "retriever");
      assertThat(completeAfterMillis)
          .as("complete within seconds, not the 2-minute quiet window")
          .isLessThan(QUIET_WINDOW.toMillis() / 2);
      assertThat(trace.get("fired_triggers"))
          .extracting(t -> t.get("rule_id").asText())
          .containsExactly(rule.get("id").asText());
    } finally {
      retriever.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + pipeline.apiPort() + path))
            .header("Authorization", "Bearer " + pipeline.developmentApiKey().orElseThrow())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode send(String method, String path, String body, int expectedStatus)
      throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + pipeline.apiPort() + path))
                .header("Authorization", "Bearer " + pipeline.developmentApiKey().orElseThrow())
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    return JSON.readTree(response.body());
  }
}

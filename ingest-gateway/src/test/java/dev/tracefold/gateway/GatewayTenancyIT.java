package dev.tracefold.gateway;

import static dev.tracefold.gateway.otlp.OtlpRequests.hex;
import static dev.tracefold.gateway.otlp.OtlpRequests.newTraceId;
import static dev.tracefold.gateway.otlp.OtlpRequests.request;
import static dev.tracefold.gateway.otlp.OtlpRequests.span;
import static dev.tracefold.gateway.otlp.OtlpRequests.statusCode;
import static dev.tracefold.gateway.otlp.OtlpRequests.statusMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefold.embedded.EmbeddedKafkaBroker;
import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.gateway.nativejson.NativeTraceService;
import dev.tracefold.gateway.ratelimit.RateLimit;
import dev.tracefold.gateway.ratelimit.RateLimitSettings;
import dev.tracefold.schemas.Span;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.service.TopicProvisioner;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.key.ApiKeySource;
import dev.tracefold.store.key.ApiKeyStore;
import dev.tracefold.store.key.CreatedApiKey;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys and per-project rate limits of a running gateway, on a real embedded KRaft broker and
 * PostgreSQL: 401 without a valid key on both ports (OTLP and API bodies, gRPC trailers), the
 * project taken from the key, revocation within the cache time, configuration keys, and 429 with
 * {@code Retry-After} past a project's rate. (Read isolation between projects is trace-api's:
 * {@code TraceApiIT}.)
 */
class GatewayTenancyIT {
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON_TYPE = "application/json";
  private static final String CONFIG_KEY = "config-key-for-tenancy-it-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir static Path dataDir;

  private static EmbeddedKafkaBroker broker;
  private static EmbeddedPostgresServer postgres;
  private static TraceStore store;
  private static ApiKeyStore keys;
  private static PrometheusMeterRegistry registry;
  private static IngestGateway gateway;
  private static SpanTopicReader reader;

  @BeforeAll
  static void start() {
    broker = EmbeddedKafkaBroker.builder().dataDir(dataDir.resolve("kafka")).build();
    broker.start();
    KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), 3, (short) 1, 8 << 20);
    TopicProvisioner.ensureTopics(kafka);
    postgres = EmbeddedPostgresServer.builder().dataDir(dataDir.resolve("pg")).build();
    postgres.start();
    store =
        TraceStore.open(
            new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 4));
    keys = store.apiKeys();
    registry = MeterRegistries.newPrometheusRegistry();
    TenancySettings tenancy =
        TenancySettings.defaults()
            .withApiKeys(Map.of(CONFIG_KEY, "config-proj"))
            .withApiKeyCacheTtl(Duration.ofMillis(200))
            .withRateLimit(
                new RateLimitSettings(
                    RateLimit.UNLIMITED,
                    Duration.ofSeconds(1000),
                    Map.of("limited", new RateLimit(1, 0))));
    gateway =
        IngestGateway.start(
            GatewaySettings.defaults().withPorts(0, 0, 0),
            tenancy,
            kafka,
            store,
            registry,
            List.of());
    reader = new SpanTopicReader(broker.bootstrapServers());
  }

  @AfterAll
  static void stop() {
    if (reader != null) {
      reader.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (store != null) {
      store.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void otlpWithoutAValidKeyIs401WithAStatusBodyAndNothingIsProduced() throws Exception {
    String traceId = newTraceId();
    byte[] body =
        request(span("unauthorised", "1111111111111111", null).setTraceId(hex(traceId)))
            .toByteArray();
    String unknownKey = "tf_UNKNOWN0" + "x".repeat(24);

    HttpResponse<byte[]> missing = postOtlp(PROTOBUF, body, null);
    HttpResponse<byte[]> basic = postOtlp(JSON_TYPE, "{}".getBytes(), "Basic dXNlcjpwYXNz");
    HttpResponse<byte[]> unknown = postOtlp(PROTOBUF, body, "Bearer " + unknownKey);

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("content-type")).hasValue(PROTOBUF);
    assertThat(missing.headers().firstValue("www-authenticate"))
        .hasValue("Bearer realm=\"tracefold\"");
    assertThat(statusCode(missing.body())).isEqualTo(16);
    assertThat(statusMessage(missing.body()))
        .isEqualTo(
            "missing API key: send the header \"Authorization: Bearer <key>\" (create a key with:"
                + " tracefold keys create --project NAME)");
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(new String(basic.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"code\":16,\"message\":\"the Authorization header must be \\\"Bearer <key>\\\" with"
                + " an API key of Tracefold\"}");
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.headers().firstValue("www-authenticate"))
        .hasValue("Bearer realm=\"tracefold\", error=\"invalid_token\"");
    assertThat(statusMessage(unknown.body()))
        .isEqualTo(
            "API key tf_UNKNOWN0... is not valid: it is unknown or revoked (create a key with:"
                + " tracefold keys create --project NAME)");

    // A later span of the same trace, with a key, arrives alone.
    String key = keys.create("unauth-check", ApiKeySource.CLI).key();
    byte[] marker =
        request(span("marker", "2222222222222222", null).setTraceId(hex(traceId))).toByteArray();
    assertThat(postOtlp(PROTOBUF, marker, "Bearer " + key).statusCode()).isEqualTo(200);
    assertThat(reader.awaitTrace(traceId, 1))
        .extracting(r -> r.value().getName())
        .containsExactly("marker");
    assertThat(registry.scrape())
        .contains("tracefold_gateway_auth_failures_total{reason=\"missing\"}")
        .contains("tracefold_gateway_auth_failures_total{reason=\"malformed\"}")
        .contains("tracefold_gateway_auth_failures_total{reason=\"invalid\"}");
  }

  @Test
  void apiPortWithoutAValidKeyIs401ButHealthAndMetricsStayOpen() throws Exception {
    HttpResponse<String> schema = get(NativeTraceService.SCHEMA_PATH, null);
    HttpResponse<String> badKey = get(NativeTraceService.SCHEMA_PATH, "Bearer not-a-key");
    // the read API's path is trace-api's now: the gateway still asks for a key first
    HttpResponse<String> readApi = get("/api/v1/traces/" + newTraceId(), null);
    HttpResponse<String> elsewhere = get("/api/v1/anything-else", null);

    assertThat(schema.statusCode()).isEqualTo(401);
    assertThat(schema.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(JSON.readTree(schema.body()).get("error").asText())
        .isEqualTo(
            "missing API key: send the header \"Authorization: Bearer <key>\" (create a key with:"
                + " tracefold keys create --project NAME)");
    assertThat(badKey.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(badKey.body()).get("error").asText())
        .isEqualTo(
            "the API key is not valid: it is unknown or revoked (create a key with: tracefold keys"
                + " create --project NAME)");
    assertThat(readApi.statusCode()).isEqualTo(401);
    assertThat(elsewhere.statusCode()).isEqualTo(401);
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
    assertThat(get("/metrics", null).statusCode()).isEqualTo(200);
  }

  @Test
  void grpcRequestsWithoutAKeyGetUnauthenticatedTrailers() throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://localhost:"
                            + gateway.otlpHttpPort()
                            + "/opentelemetry.proto.collector.trace.v1.TraceService/Export"))
                .header("Content-Type", "application/grpc")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5]))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("grpc-status")).hasValue("16");
    assertThat(response.headers().firstValue("grpc-message"))
        .hasValue(
            "missing API key: send the header \"Authorization: Bearer <key>\" (create a key with:"
                + " tracefold keys create --project NAME)");
  }

  @Test
  void theProjectOfIngestedSpansIsTheKeys() throws Exception {
    String key = keys.create("ingest-a", ApiKeySource.CLI).key();
    String cliTrace = newTraceId();
    String configTrace = newTraceId();

    assertThat(postOtlp(PROTOBUF, oneSpan(cliTrace, "via cli key"), "Bearer " + key).statusCode())
        .isEqualTo(200);
    assertThat(
            postOtlp(PROTOBUF, oneSpan(configTrace, "via config key"), "Bearer " + CONFIG_KEY)
                .statusCode())
        .isEqualTo(200);

    ConsumerRecord<String, Span> cli = reader.awaitTrace(cliTrace, 1).get(0);
    assertThat(cli.key()).isEqualTo("ingest-a/" + cliTrace);
    assertThat(cli.value().getProjectId()).isEqualTo("ingest-a");
    ConsumerRecord<String, Span> config = reader.awaitTrace(configTrace, 1).get(0);
    assertThat(config.key()).isEqualTo("config-proj/" + configTrace);
    assertThat(keys.find(CONFIG_KEY).orElseThrow().source()).isEqualTo(ApiKeySource.CONFIG);
  }

  @Test
  void aRevokedKeyStopsWorkingWithinTheCacheTime() throws Exception {
    CreatedApiKey created = keys.create("revoked", ApiKeySource.CLI);
    String bearer = "Bearer " + created.key();
    assertThat(get(NativeTraceService.SCHEMA_PATH, bearer).statusCode()).isEqualTo(200);
    assertThat(postOtlp(PROTOBUF, oneSpan(newTraceId(), "before"), bearer).statusCode())
        .isEqualTo(200);

    keys.revoke(created.info().id());

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> get(NativeTraceService.SCHEMA_PATH, bearer).statusCode() == 401);
    HttpResponse<byte[]> otlp = postOtlp(PROTOBUF, oneSpan(newTraceId(), "after"), bearer);
    assertThat(otlp.statusCode()).isEqualTo(401);
    assertThat(statusMessage(otlp.body()))
        .isEqualTo(
            "API key "
                + created.info().prefix()
                + "... is not valid: it is unknown or revoked (create a key with: tracefold keys"
                + " create --project NAME)");
  }

  @Test
  void aProjectOverItsRateIs429WithRetryAfterAndOtherProjectsAreNotSlowed() throws Exception {
    String limited = "Bearer " + keys.create("limited", ApiKeySource.CLI).key();
    String other = "Bearer " + keys.create("not-limited", ApiKeySource.CLI).key();
    String refusedTrace = newTraceId();

    // capacity: 1 span/s x 1000 s burst = 1000 spans
    HttpResponse<byte[]> first = postOtlp(PROTOBUF, spans(newTraceId(), 1000), limited);
    HttpResponse<byte[]> second = postOtlp(PROTOBUF, spans(refusedTrace, 500), limited);
    HttpResponse<byte[]> unaffected = postOtlp(PROTOBUF, spans(newTraceId(), 1000), other);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(429);
    // 500 spans at 1 span/s: 500 s, less the second or so the first request took
    long retryAfter = Long.parseLong(second.headers().firstValue("retry-after").orElseThrow());
    assertThat(retryAfter).isBetween(480L, 500L);
    assertThat(statusCode(second.body())).isEqualTo(8);
    assertThat(statusMessage(second.body()))
        .isEqualTo(
            "project 'limited' is over its rate limit of 1 spans/s and unlimited bytes/s (burst"
                + " 1000s); retry after "
                + retryAfter
                + " s");
    assertThat(unaffected.statusCode()).isEqualTo(200);
    assertThat(registry.scrape())
        .contains("tracefold_gateway_rate_limited_total{protocol=\"otlp-http-protobuf\"} 1.0")
        .contains(
            "tracefold_gateway_requests_total{protocol=\"otlp-http-protobuf\",status=\"429\"} 1.0");

    // nothing of the refused request was produced: a later span of its trace arrives alone
    assertThat(postOtlp(PROTOBUF, oneSpan(refusedTrace, "marker"), other).statusCode())
        .isEqualTo(200);
    assertThat(reader.awaitTrace(refusedTrace, 1))
        .extracting(r -> r.value().getName())
        .containsExactly("marker");
  }

  private static byte[] oneSpan(String traceId, String name) {
    return request(span(name, "3333333333333333", null).setTraceId(hex(traceId))).toByteArray();
  }

  private static byte[] spans(String traceId, int count) {
    List<io.opentelemetry.proto.trace.v1.Span.Builder> spans = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      spans.add(span("span " + i, String.format("%016x", i), null).setTraceId(hex(traceId)));
    }
    ExportTraceServiceRequest request =
        request(spans.toArray(new io.opentelemetry.proto.trace.v1.Span.Builder[0]));
    return request.toByteArray();
  }

  private static HttpResponse<byte[]> postOtlp(
      String contentType, byte[] body, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://localhost:" + gateway.otlpHttpPort() + "/v1/traces"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<String> get(String path, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.apiPort() + path)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

package dev.tracefold.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.tracefold.console.WebConsole;
import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.key.ApiKeySource;
import dev.tracefold.store.key.ApiKeyStore;
import dev.tracefold.store.key.CreatedApiKey;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trace API service as {@link TraceApiMain} runs it, on a real embedded PostgreSQL: the read
 * API, {@code /metrics} and {@code /health} on its own port; 401 without a valid key (JSON body,
 * {@code WWW-Authenticate}, counted) while {@code /health} and {@code /metrics} stay open; a key of
 * one project never reading another's traces; revocation within the key cache time; its settings.
 */
class TraceApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir static Path dataDir;

  private static EmbeddedPostgresServer postgres;
  private static TraceStore store;
  private static ApiKeyStore keys;
  private static PrometheusMeterRegistry registry;
  private static TraceApi api;

  @BeforeAll
  static void start() {
    postgres = EmbeddedPostgresServer.builder().dataDir(dataDir.resolve("pg")).build();
    postgres.start();
    registry = MeterRegistries.newPrometheusRegistry();
    store =
        TraceStore.open(
            new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 4),
            registry);
    keys = store.apiKeys();
    api =
        TraceApi.start(
            TraceApiSettings.defaults().withPort(0).withApiKeyCacheTtl(Duration.ofMillis(200)),
            store,
            registry);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
      api.close(); // idempotent
    }
    if (store != null) {
      store.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void readApiMetricsAndHealthAreServedOnItsPort() throws Exception {
    String bearer = "Bearer " + keys.create("served", ApiKeySource.CLI).key();

    assertThat(get("/api/v1/traces", bearer).body())
        .startsWith("{\"traces\":[")
        .contains("\"page\":1,\"page_size\":100");
    assertThat(JSON.readTree(get("/api/v1/openapi.json", bearer).body()).get("openapi").asText())
        .isEqualTo("3.1.0");
    HttpResponse<String> health = get("/health", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .contains("\"status\":\"UP\"")
        .contains("\"store\":{\"status\":\"UP\"");
    assertThat(get("/metrics", null).body()).contains("hikaricp_connections");
  }

  @Test
  void withoutAValidKeyIs401ButHealthAndMetricsStayOpen() throws Exception {
    HttpResponse<String> list = get("/api/v1/traces", null);
    HttpResponse<String> detail = get("/api/v1/traces/" + newTraceId(), "Bearer not-a-key");
    HttpResponse<String> elsewhere = get("/api/v1/anything-else", null);

    assertThat(list.statusCode()).isEqualTo(401);
    assertThat(list.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(list.headers().firstValue("www-authenticate"))
        .hasValue("Bearer realm=\"tracefold\"");
    assertThat(JSON.readTree(list.body()).get("error").asText())
        .isEqualTo(
            "missing API key: send the header \"Authorization: Bearer <key>\" (create a key with:"
                + " tracefold keys create --project NAME)");
    assertThat(detail.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(detail.body()).get("error").asText())
        .isEqualTo(
            "the API key is not valid: it is unknown or revoked (create a key with: tracefold keys"
                + " create --project NAME)");
    assertThat(elsewhere.statusCode()).isEqualTo(401);
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
    assertThat(get("/metrics", null).body())
        .contains("tracefold_gateway_auth_failures_total{reason=\"missing\"}")
        .contains("tracefold_gateway_auth_failures_total{reason=\"invalid\"}");
  }

  @Test
  void theWebConsoleIsServedWithoutAKeyAtEveryPagePathWithItsSecurityAndCacheHeaders()
      throws Exception {
    HttpResponse<String> root = get("/", null);
    HttpResponse<String> page = get("/traces/0af7651916cd43dd8448eb211c80319c?tab=spans", null);

    for (HttpResponse<String> index : List.of(root, page)) {
      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.headers().firstValue("content-type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
      assertThat(index.headers().firstValue("content-security-policy"))
          .hasValue(WebConsole.CONTENT_SECURITY_POLICY);
      assertThat(index.headers().firstValue("x-content-type-options")).hasValue("nosniff");
      assertThat(index.headers().firstValue("cache-control"))
          .hasValueSatisfying(cache -> assertThat(cache).contains("no-cache"));
      assertThat(index.body()).contains("<div id=\"root\"></div>");
    }
    Matcher script = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(root.body());
    assertThat(script.find()).as("index.html names its script").isTrue();
    HttpResponse<String> asset = get(script.group(1), null);
    assertThat(asset.statusCode()).isEqualTo(200);
    assertThat(asset.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).contains("javascript"));
    assertThat(asset.headers().firstValue("cache-control"))
        .hasValue("public, max-age=31536000, immutable");
    assertThat(get("/assets/missing-0000.js", null).statusCode()).isEqualTo(404);
    // the data stays behind the key
    assertThat(get("/api/v1/traces", null).statusCode()).isEqualTo(401);
    assertThat(get("/tracesX", null).statusCode()).isEqualTo(401);
  }

  @Test
  void aKeyOfOneProjectNeverReadsAnothersTraces() throws Exception {
    String traceA = newTraceId();
    String traceB = newTraceId();
    store.writeSpans(
        List.of(
            storedSpan("read-a", traceA, "trace of a"),
            storedSpan("read-b", traceB, "trace of b")));
    String keyA = "Bearer " + keys.create("read-a", ApiKeySource.CLI).key();
    String keyB = "Bearer " + keys.create("read-b", ApiKeySource.CLI).key();

    JsonNode listA = JSON.readTree(get("/api/v1/traces", keyA).body());
    JsonNode listB = JSON.readTree(get("/api/v1/traces", keyB).body());
    HttpResponse<String> bByA = get("/api/v1/traces/" + traceB, keyA);
    HttpResponse<String> aByA = get("/api/v1/traces/" + traceA, keyA);
    HttpResponse<String> bByB = get("/api/v1/traces/" + traceB, keyB);

    assertThat(ids(listA)).containsExactly(traceA);
    assertThat(listA.get("total_count").asLong()).isEqualTo(1);
    assertThat(ids(listB)).containsExactly(traceB);
    assertThat(bByA.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(bByA.body()).get("error").asText())
        .isEqualTo("trace " + traceB + " not found in project read-a");
    assertThat(aByA.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(aByA.body()).get("project_id").asText()).isEqualTo("read-a");
    assertThat(bByB.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(bByB.body()).get("name").asText()).isEqualTo("trace of b");
  }

  @Test
  void aRevokedKeyStopsWorkingWithinTheCacheTime() throws Exception {
    CreatedApiKey created = keys.create("revoked", ApiKeySource.CLI);
    String bearer = "Bearer " + created.key();
    assertThat(get("/api/v1/traces", bearer).statusCode()).isEqualTo(200);

    keys.revoke(created.info().id());

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> get("/api/v1/traces", bearer).statusCode() == 401);
    assertThat(JSON.readTree(get("/api/v1/traces", bearer).body()).get("error").asText())
        .isEqualTo(
            "API key "
                + created.info().prefix()
                + "... is not valid: it is unknown or revoked (create a key with: tracefold keys"
                + " create --project NAME)");
  }

  @Test
  void settingsDefaultToPort8083AndAFiveSecondKeyCache() {
    TraceApiSettings defaults = TraceApiSettings.from(ConfigFactory.load());
    assertThat(defaults).isEqualTo(TraceApiSettings.defaults());
    assertThat(defaults.port()).isEqualTo(8083);
    assertThat(defaults.apiKeyCacheTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(
            TraceApiSettings.from(
                ConfigFactory.parseMap(
                    Map.of(
                        "tracefold.api.http-port", "0", "tracefold.api.api-key-cache-ttl", "1m"))))
        .isEqualTo(new TraceApiSettings(0, Duration.ofMinutes(1)));
    assertThatThrownBy(() -> new TraceApiSettings(65536, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tracefold.api.http-port must be 0..65535, was 65536");
    assertThatThrownBy(() -> new TraceApiSettings(8083, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tracefold.api.api-key-cache-ttl must be at least 1ms, was PT0S");
  }

  private static String newTraceId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static Span storedSpan(String project, String traceId, String name) {
    return Span.newBuilder()
        .setProjectId(project)
        .setTraceId(traceId)
        .setSpanId("0000000000000001")
        .setName(name)
        .setKind(SpanKind.OTHER)
        .setStartEpochNanos(1_763_000_000_000_000_000L)
        .setEndEpochNanos(1_763_000_001_000_000_000L)
        .setStatus(SpanStatus.UNSET)
        .setSource("otlp-http-protobuf")
        .setIngestedEpochMillis(1_763_000_000_000L)
        .build();
  }

  private static List<String> ids(JsonNode list) {
    List<String> ids = new ArrayList<>();
    list.get("traces").forEach(trace -> ids.add(trace.get("id").asText()));
    return ids;
  }

  private static HttpResponse<String> get(String path, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + api.port() + path)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

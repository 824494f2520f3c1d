package dev.tracefold.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefold.ops.DeployExpressions.AlertRule;
import dev.tracefold.ops.DeployExpressions.PanelQuery;
import dev.tracefold.standalone.StandalonePipeline;
import dev.tracefold.standalone.TestConfigs;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and the alerting rules against real data: the standalone pipeline (embedded Kafka
 * and PostgreSQL, all services) on ephemeral ports, scraped every second by a real Prometheus
 * (Debian's package, installed if missing) that also loads {@code deploy/prometheus/alerts.yml}.
 * After OTLP traffic (valid traces that complete after a 2 s quiet window, and one invalid span)
 * and a score on one of the traces, every dashboard query and the query part of every alert must
 * return data, and every alert expression must evaluate without error.
 *
 * <p>Series that exist only after a failure cannot have data in a healthy pipeline; they are listed
 * in {@link #NO_DATA_WHILE_HEALTHY} with the reason, and the test checks that each such entry still
 * matches a query.
 */
class PrometheusDashboardIT {
  /**
   * Selectors of series registered on the first failure, so "no data" is the healthy answer (for an
   * alert: "not firing"). Key: a fragment of the expression; value: why.
   */
  static final Map<String, String> NO_DATA_WHILE_HEALTHY =
      Map.of(
          "tracefold_gateway_kafka_produce_errors_total",
          "registered per error class on the first failed Kafka send; the same panel's"
              + " kafka_producer_record_error_total target has data",
          "reason=\"kafka_unavailable\"",
          "rejections for Kafka being unavailable are registered on the first 503");

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir static Path dataDir;
  private static StandalonePipeline pipeline;
  private static PrometheusServer prometheus;

  @BeforeAll
  static void startPipelineAndPrometheus() throws Exception {
    PrometheusTools.require();
    pipeline = StandalonePipeline.start(TestConfigs.ephemeral(dataDir.resolve("tracefold"), "2s"));
    prometheus =
        PrometheusServer.start(
            dataDir.resolve("prometheus"),
            "tracefold-standalone",
            "localhost:" + pipeline.apiPort(),
            List.of(RepositoryFiles.file(DeployExpressions.ALERTS)));
  }

  @AfterAll
  static void stop() {
    try {
      if (prometheus != null) {
        prometheus.close();
        assertThat(prometheus.isAlive()).as("Prometheus stopped").isFalse();
      }
    } finally {
      if (pipeline != null) {
        pipeline.close();
      }
    }
  }

  @Test
  void everyDashboardQueryAndAlertQueryReturnsDataAndEveryAlertEvaluates() throws Exception {
    await()
        .atMost(WAIT)
        .until(
            () ->
                "up"
                    .equals(
                        prometheus
                            .getJson("/api/v1/targets")
                            .path("data")
                            .path("activeTargets")
                            .path(0)
                            .path("health")
                            .asText()));
    sendTraffic();

    List<PanelQuery> panels = DeployExpressions.dashboardQueries();
    List<AlertRule> alerts = DeployExpressions.alertRules();
    assertThat(panels).hasSizeGreaterThan(20);
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(5);
    List<String> queries = new ArrayList<>();
    panels.forEach(p -> queries.add(p.expr()));
    alerts.forEach(a -> queries.add(a.query()));
    List<String> expectingData = queries.stream().filter(q -> !allowedNoData(q)).toList();

    // completions, sink writes, lag probes (every 10 s) and rates need a few scrapes
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> assertThat(withoutData(expectingData)).as("queries without data").isEmpty());

    for (AlertRule alert : alerts) {
      // throws with Prometheus' error message if the expression does not evaluate
      JsonNode firing = prometheus.query(alert.expr());
      assertThat(firing).as("%s fires in a healthy pipeline: %s", alert.name(), firing).isEmpty();
    }
    for (String fragment : NO_DATA_WHILE_HEALTHY.keySet()) {
      assertThat(queries).as("an expression uses %s", fragment).anyMatch(q -> q.contains(fragment));
    }
  }

  @Test
  void prometheusLoadsEveryAlertingRuleAndEvaluatesItWithoutError() throws Exception {
    TreeSet<String> expected = new TreeSet<>();
    DeployExpressions.alertRules().forEach(rule -> expected.add(rule.name()));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              TreeSet<String> healthy = new TreeSet<>();
              for (JsonNode group :
                  prometheus.getJson("/api/v1/rules").path("data").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                  assertThat(rule.path("lastError").asText())
                      .as("last error of %s", rule.path("name").asText())
                      .isEmpty();
                  if ("ok".equals(rule.path("health").asText())) {
                    healthy.add(rule.path("name").asText());
                  }
                }
              }
              assertThat(healthy).isEqualTo(expected);
            });
  }

  @Test
  void promtoolAcceptsTheRulesTheConfigurationAndTheRuleUnitTests() {
    Path dir = RepositoryFiles.file(DeployExpressions.ALERTS).getParent();
    PrometheusTools.Run rules = PrometheusTools.promtool(dir, "check", "rules", "alerts.yml");
    assertThat(rules.exitCode()).as(rules.output()).isZero();
    assertThat(rules.output())
        .contains("SUCCESS: " + DeployExpressions.alertRules().size() + " rules found");
    PrometheusTools.Run config = PrometheusTools.promtool(dir, "check", "config", "prometheus.yml");
    assertThat(config.exitCode()).as(config.output()).isZero();
    PrometheusTools.Run unitTests =
        PrometheusTools.promtool(dir, "test", "rules", "alerts-test.yml");
    assertThat(unitTests.exitCode()).as(unitTests.output()).isZero();
    assertThat(unitTests.output()).contains("SUCCESS");
  }

  private static boolean allowedNoData(String query) {
    return NO_DATA_WHILE_HEALTHY.keySet().stream().anyMatch(query::contains);
  }

  private static List<String> withoutData(List<String> queries) throws Exception {
    List<String> missing = new ArrayList<>();
    for (String query : queries) {
      if (prometheus.query(query).isEmpty()) {
        missing.add(query);
      }
    }
    return missing;
  }

  /**
   * Three two-span traces through the real OpenTelemetry SDK (each completes after the quiet
   * window), and one span that ends before it starts (rejected as {@code end_before_start}).
   */
  private static void sendTraffic() throws Exception {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint("http://localhost:" + pipeline.otlpHttpPort() + "/v1/traces")
            .addHeader("Authorization", "Bearer " + pipeline.developmentApiKey().orElseThrow())
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), "ops-agent"))))
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()) // one export request
            .build();
    try {
      Tracer tracer = provider.get("tracefold-ops-test");
      for (int i = 0; i < 3; i++) {
        Span root = tracer.spanBuilder("agent run " + i).startSpan();
        tracer
            .spanBuilder("chat gpt-4o")
            .setParent(Context.current().with(root))
            .setAttribute("gen_ai.request.model", "gpt-4o")
            .setAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 100L)
            .startSpan()
            .end();
        root.end();
      }
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess())
          .as("OTLP export acknowledged")
          .isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
    String invalid =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
            + "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
            + "\"name\":\"backwards\",\"startTimeUnixNano\":\"1763715609000000000\","
            + "\"endTimeUnixNano\":\"1763715601200000000\"}]}]}]}";
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + pipeline.otlpHttpPort() + "/v1/traces"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + pipeline.developmentApiKey().orElseThrow())
                .POST(HttpRequest.BodyPublishers.ofString(invalid))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.body()).contains("\"rejectedSpans\":\"1\"");
    scoreATrace();
  }

  /** A score on one of the traces once it is stored, so that the score meters exist. */
  private static void scoreATrace() {
    String api = "http://localhost:" + pipeline.apiPort() + "/api/v1/traces";
    String key = "Bearer " + pipeline.developmentApiKey().orElseThrow();
    String traceId =
        await()
            .atMost(WAIT)
            .ignoreExceptions()
            .until(
                () ->
                    JSON.readTree(
                            HTTP.send(
                                    HttpRequest.newBuilder(URI.create(api))
                                        .header("Authorization", key)
                                        .build(),
                                    HttpResponse.BodyHandlers.ofString())
                                .body())
                        .path("traces")
                        .path(0)
                        .path("id")
                        .asText(null),
                id -> id != null);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () ->
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(api + "/" + traceId + "/scores"))
                            .header("Authorization", key)
                            .header("Content-Type", "application/json")
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    "{\"evaluator\": \"ops-judge\", \"passed\": true, \"value\": 1}"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .statusCode(),
            status -> status == 201);
  }
}

package dev.tracefold.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServerBuilder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Objects;

/**
 * The operational endpoints every service serves: {@code GET /metrics} (Prometheus text format
 * 0.0.4, from a Micrometer {@link PrometheusMeterRegistry}) and {@code GET /health} (JSON {@code
 * {"status":"UP"|"DOWN","checks":{name:{"status":..,"detail":..}}}}, HTTP 200 when every check is
 * healthy, else 503). Immutable and thread-safe.
 */
public final class OpsEndpoints {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType PROMETHEUS_TEXT =
      MediaType.parse("text/plain; version=0.0.4; charset=utf-8");

  private final PrometheusMeterRegistry registry;
  private final List<HealthCheck> checks;

  /**
   * @param registry the registry whose meters {@code /metrics} shows
   * @param checks the checks {@code /health} runs, in order
   */
  public OpsEndpoints(PrometheusMeterRegistry registry, List<HealthCheck> checks) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.checks = List.copyOf(checks);
  }

  /** Adds {@code /metrics} and {@code /health} to an Armeria server under construction. */
  public void addTo(ServerBuilder server) {
    server.service(
        "/metrics",
        (ctx, req) -> HttpResponse.of(HttpStatus.OK, PROMETHEUS_TEXT, registry.scrape()));
    server.service("/health", (ctx, req) -> health());
  }

  private HttpResponse health() {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode byName = JSON.createObjectNode();
    boolean allHealthy = true;
    for (HealthCheck check : checks) {
      HealthCheck.Result result;
      try {
        result = check.check();
      } catch (RuntimeException e) {
        result = HealthCheck.Result.down(e.toString());
      }
      allHealthy &= result.healthy();
      ObjectNode entry = byName.putObject(check.name());
      entry.put("status", result.healthy() ? "UP" : "DOWN");
      entry.put("detail", result.detail());
    }
    body.put("status", allHealthy ? "UP" : "DOWN");
    body.set("checks", byName);
    return HttpResponse.of(
        allHealthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
        MediaType.JSON_UTF_8,
        body.toString());
  }
}

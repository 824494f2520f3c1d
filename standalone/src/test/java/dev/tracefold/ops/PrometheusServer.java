package dev.tracefold.ops;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) in a child process, listening on
 * {@code 127.0.0.1} at a free port, scraping one target every second and evaluating the given rule
 * files every second. {@link #close()} stops it (SIGTERM, then SIGKILL after 10 s) and is
 * idempotent. Not thread-safe.
 */
final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final Path log;

  private PrometheusServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Writes a configuration under {@code workDir} and starts Prometheus; returns once it is ready.
   *
   * @param workDir folder for the configuration, the TSDB and {@code prometheus.log}
   * @param job the scrape job's name
   * @param target {@code host:port} serving {@code /metrics}
   * @param ruleFiles absolute paths of rule files to load
   * @throws IllegalStateException with the server's log if it does not become ready
   */
  static PrometheusServer start(Path workDir, String job, String target, List<Path> ruleFiles)
      throws IOException {
    Files.createDirectories(workDir);
    Path config = workDir.resolve("prometheus.yml");
    StringBuilder yaml = new StringBuilder();
    yaml.append("global:\n")
        .append("  scrape_interval: 1s\n")
        .append("  scrape_timeout: 1s\n")
        .append("  evaluation_interval: 1s\n")
        .append("rule_files:\n");
    for (Path rules : ruleFiles) {
      yaml.append("  - '").append(rules.toAbsolutePath()).append("'\n");
    }
    yaml.append("scrape_configs:\n")
        .append("  - job_name: '")
        .append(job)
        .append("'\n")
        .append("    static_configs:\n")
        .append("      - targets: ['")
        .append(target)
        .append("']\n");
    Files.writeString(config, yaml.toString());
    IllegalStateException failure = null;
    for (int attempt = 1; attempt <= 3; attempt++) { // another process may take the free port first
      int port = freePort();
      Path log = workDir.resolve("prometheus-" + attempt + ".log");
      Process process =
          new ProcessBuilder(
                  "prometheus",
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + workDir.resolve("data-" + attempt),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      PrometheusServer server = new PrometheusServer(process, port, log);
      try {
        server.awaitReady();
        return server;
      } catch (IllegalStateException e) {
        server.close();
        failure = e;
      }
    }
    throw failure;
  }

  private void awaitReady() {
    try {
      await()
          .atMost(READY_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      "Prometheus exited with " + process.exitValue() + ":\n" + log());
                }
                return ready();
              });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(
          "Prometheus not ready within " + READY_TIMEOUT + ":\n" + log(), e);
    }
  }

  private boolean ready() throws InterruptedException {
    try {
      return get("/-/ready").statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    }
  }

  /**
   * Runs an instant query ({@code GET /api/v1/query}).
   *
   * @return the {@code data.result} array
   * @throws IllegalStateException naming the query and Prometheus' error if it does not succeed
   */
  JsonNode query(String promql) throws IOException, InterruptedException {
    JsonNode body =
        getJson("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    if (!"success".equals(body.path("status").asText())) {
      throw new IllegalStateException("Query failed: " + promql + " -> " + body);
    }
    return body.path("data").path("result");
  }

  /** {@code GET} a Prometheus HTTP API path and parse its JSON, whatever the status code. */
  JsonNode getJson(String pathAndQuery) throws IOException, InterruptedException {
    return JSON.readTree(get(pathAndQuery).body());
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The server's output so far. */
  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** True while the child process runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free TCP port on the loopback address", e);
    }
  }
}

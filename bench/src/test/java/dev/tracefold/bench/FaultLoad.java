package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load and the helpers the fault tests share: a modest {@link AgentLoad} (300 spans/s of agent
 * traces, 5 spans 200 ms apart, a 2 s quiet window, root-aware completion off so that only the
 * quiet window decides), a rule of turn {@code every} selecting every trace, and HTTP calls to the
 * pipeline. One instance per load: it holds its {@link TraceLedger} and the running load.
 */
final class FaultLoad implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FaultLoad.class);

  /** Offered spans per second. */
  static final int SPANS_PER_SECOND = 300;

  /** The pipeline's quiet window. */
  static final Duration QUIET_WINDOW = Duration.ofSeconds(2);

  /** Longest wait for every trace to be final, stored and triggered after the load. */
  static final Duration VERDICT_TIMEOUT = Duration.ofMinutes(2);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final PipelineBenchOptions options;
  private final TraceLedger ledger;
  private final AgentLoad load;
  private final URI otlpHttpUri;

  /** Longest load: the test ends it earlier ({@link #finish}). */
  static final Duration MAX_LOAD = Duration.ofMinutes(10);

  /**
   * Starts the load on the gateway at {@code otlpHttpUri}; it runs until {@link #finish} (at most
   * {@link #MAX_LOAD}).
   */
  FaultLoad(Path workDir, URI otlpHttpUri, String apiKey) {
    this.options = options(workDir, MAX_LOAD);
    this.otlpHttpUri = otlpHttpUri;
    this.ledger =
        new TraceLedger(
            options.maxTraces(),
            ThreadLocalRandom.current().nextLong(),
            PipelineBench.PROJECT,
            QUIET_WINDOW.toMillis());
    // a restart after kill -9 takes 1 to 2 minutes here: an SDK keeps retrying meanwhile
    this.load = new AgentLoad(options, ledger, List.of(otlpHttpUri), apiKey, Duration.ofMinutes(5));
    log.info(
        "Load started: {} spans/s, {} spans per trace {} apart",
        SPANS_PER_SECOND,
        options.spansPerTrace(),
        options.spanGap());
  }

  /** The options of a load of {@code duration}; also the pipeline's (quiet window, partitions). */
  static PipelineBenchOptions options(Path workDir, Duration duration) {
    return PipelineBenchOptions.parse(
        List.of(
            "--duration=" + duration.toSeconds() + "s",
            "--spans-per-second=" + SPANS_PER_SECOND,
            "--spans-per-trace=5",
            "--span-gap=200ms",
            "--exporters=2",
            "--export-delay=200ms",
            "--quiet-window=" + QUIET_WINDOW.toMillis() + "ms",
            "--punctuation-interval=200ms",
            "--partitions=3",
            "--pipeline-jvm-options=-Xmx768m",
            "--work-dir=" + workDir),
        new Properties());
  }

  /**
   * Settings of the pipelines under fault: root-aware completion off (only the quiet window
   * decides, as {@link PipelineVerdict} assumes), rules re-read every second.
   */
  static Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("tracefold.completion.root-aware", "false");
    settings.put("tracefold.sink.rules-refresh-interval", "1s");
    return settings;
  }

  /**
   * Puts fixed ports (free now) for the gateway's OTLP/HTTP and API ports into {@code settings}, so
   * that a restarted pipeline answers at the same address and the load carries on.
   */
  static void fixGatewayPorts(Map<String, String> settings) {
    settings.put("tracefold.gateway.otlp-http-port", Integer.toString(ChildJvm.freePort()));
    settings.put("tracefold.gateway.api-port", Integer.toString(ChildJvm.freePort()));
  }

  /**
   * Creates a rule of turn {@code every} selecting every trace through the API, and waits until the
   * sink has surely read it (3 rule refreshes).
   */
  static void createEveryRule(URI api, String apiKey) {
    HttpResponse<String> created =
        send(
            HttpRequest.newBuilder(api.resolve("/api/v1/evaluation-rules"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\": \"fault tests\", \"turn\": \"every\"}")),
            apiKey);
    assertThat(created.statusCode()).as("rule created: %s", created.body()).isEqualTo(201);
    Pause.millis(3_000);
  }

  /** {@code GET} of {@code path} on {@code api} with the key. */
  static HttpResponse<String> get(URI api, String path, String apiKey) {
    return send(HttpRequest.newBuilder(api.resolve(path)).GET(), apiKey);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request, String apiKey) {
    return send(
        request.timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + apiKey).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static <T> HttpResponse<T> send(
      HttpRequest request, HttpResponse.BodyHandler<T> bodyHandler) {
    try {
      return HTTP.send(request, bodyHandler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /** Where the load sends its spans. */
  URI otlpHttpUri() {
    return otlpHttpUri;
  }

  TraceLedger ledger() {
    return ledger;
  }

  AgentLoad.Result result() {
    return load.result();
  }

  /**
   * Stops starting traces, waits for the load to end (every trace sent and answered), checks that
   * no request failed for good, and judges the pipeline's guarantees over its traces.
   */
  PipelineVerdict finish(PipelineVerdict.Pipeline pipeline) throws InterruptedException {
    load.finish();
    assertThat(load.awaitFinished(240_000))
        .as("the load finished; so far %s", load.result())
        .isTrue();
    AgentLoad.Result sent = load.result();
    log.info(
        "Load done: {} traces, {} spans acknowledged, {} failed, retried {} x 503 and {} x"
            + " transport; first failure: {}",
        sent.tracesStarted(),
        sent.spansAcked(),
        sent.spansFailed(),
        sent.retried503(),
        sent.retriedTransport(),
        sent.firstFailure());
    assertThat(sent.spansFailed()).as("spans refused for good: %s", sent.firstFailure()).isZero();
    assertThat(sent.spansAcked()).isPositive();
    return PipelineVerdict.await(pipeline, ledger, (int) sent.tracesStarted(), VERDICT_TIMEOUT);
  }

  /**
   * Copies the pipeline's log to {@code target/fault-logs/<name>.log} (the run's directory is
   * deleted after the test), for a look after a failure.
   */
  static void keepLog(PipelineProcess pipeline, String name) {
    try {
      Path logs = Path.of(System.getProperty("basedir", "."), "target", "fault-logs");
      Files.createDirectories(logs);
      Files.copy(
          pipeline.logFile(), logs.resolve(name + ".log"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      log.warn("Cannot keep the pipeline's log: {}", e.toString());
    }
  }

  /**
   * Sends one span (of a trace outside the ledger) and returns the answer; the span is not counted
   * anywhere.
   */
  static HttpResponse<byte[]> probe(URI otlpHttpUri, String apiKey) {
    byte[] traceId = new byte[16];
    ThreadLocalRandom.current().nextBytes(traceId);
    traceId[0] |= 0x01;
    byte[] body =
        OtlpRequestFactory.request(
                new OtlpRequestFactory(1)
                    .agentTrace(
                        ByteString.copyFrom(traceId),
                        2,
                        System.currentTimeMillis() * 1_000_000L,
                        1_000_000L)
                    .subList(0, 1))
            .toByteArray();
    return send(
        AgentLoad.exportRequest(otlpHttpUri, apiKey, body),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /**
   * {@link #finish}es the load, logs the verdict's figures under {@code fault} and asserts that
   * every guarantee held.
   */
  void finishAndAssert(PipelineVerdict.Pipeline pipeline, String fault)
      throws InterruptedException {
    PipelineVerdict verdict = finish(pipeline);
    log.info(
        "{}: {} spans/s acknowledged; {}",
        fault,
        Math.round(load.result().ackedSpansPerSecond()),
        verdict.figures().summary());
    verdict.assertHolds();
  }

  @Override
  public void close() {
    load.close();
  }
}

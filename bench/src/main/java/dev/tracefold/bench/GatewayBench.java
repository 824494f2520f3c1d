package dev.tracefold.bench;

import dev.tracefold.gateway.GatewaySettings;
import dev.tracefold.gateway.IngestGateway;
import dev.tracefold.gateway.TenancySettings;
import dev.tracefold.gateway.otlp.SpanNormalizer;
import dev.tracefold.gateway.ratelimit.RateLimitSettings;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.store.key.ApiKeys;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ingest gateway benchmark: one command, a Markdown report on standard output (logs go to
 * standard error).
 *
 * <p>In this JVM: an in-process {@code EmbeddedKafkaBroker}, an embedded PostgreSQL (the gateway
 * keeps its API keys there) and the real {@link IngestGateway}, started as {@code standalone}
 * starts it, with one API key given as configuration ({@code TRACEFOLD_API_KEYS}) and rate limits
 * off. {@code --clients} closed-loop clients (java.net.http, HTTP/1.1) send OTLP/HTTP protobuf
 * requests of {@code --spans-per-request} spans with {@code Authorization: Bearer <key>} for {@code
 * --warmup}, then for the measured {@code --duration}. Then the raw ceiling: the same spans,
 * normalised as the gateway produces them, sent straight to Kafka by {@link RawSpanProducer} with
 * the gateway's producer configuration, as many as the gateway accepted. See {@link
 * GatewayBenchOptions#usage()} for the settings and bench/README.md for the command.
 *
 * <p>Exit status: 0 when both parts produced figures, 1 when the run failed, 2 for bad arguments.
 */
public final class GatewayBench {
  /** The project of the benchmark's API key, so of every span. */
  static final String PROJECT = "bench";

  /** Distinct requests the clients cycle through (encoded once, before the load). */
  static final int REQUEST_POOL = 32;

  static final String GATEWAY_THREADS = "gateway (armeria-*, kafka-producer-network-thread)";
  static final String LOAD_THREADS = "load generator (bench-client-*, HttpClient-*)";
  static final String OTHER_THREADS = "broker and other Java threads";

  private GatewayBench() {}

  public static void main(String[] args) {
    BenchMain.run(
        args,
        GatewayBenchOptions::parse,
        GatewayBenchOptions::usage,
        options -> run(options).markdown());
  }

  /**
   * Runs the gateway load, then the raw producer, on a fresh broker and PostgreSQL under the work
   * directory (deleted afterwards).
   *
   * @throws IllegalStateException if a part cannot run or the gateway accepted no span
   */
  static GatewayBenchReport run(GatewayBenchOptions options) {
    Instant started = Instant.now();
    double loadAtStart = ReportSections.loadAverage();
    Path dir = workDir(options);
    try (BenchCluster cluster =
            BenchCluster.start(dir.resolve("kafka"), BenchCluster.sizing(options.partitions()));
        BenchPostgres postgres = BenchPostgres.start(dir.resolve("pg"), 2)) {
      String apiKey = ApiKeys.generate();
      TenancySettings tenancy =
          TenancySettings.defaults()
              .withApiKeys(Map.of(apiKey, PROJECT))
              .withRateLimit(RateLimitSettings.unlimited());
      List<byte[]> requests = encodedRequests(options.spansPerRequest());
      GatewayBenchReport.Builder report =
          new GatewayBenchReport.Builder(options, started, loadAtStart)
              .requestBytes(requests.get(0).length);
      try (IngestGateway gateway =
          IngestGateway.start(
              GatewaySettings.defaults().withPorts(0, 0, 0),
              tenancy,
              cluster.kafka(),
              postgres.store(),
              MeterRegistries.newPrometheusRegistry(),
              List.of())) {
        OtlpHttpLoad load =
            new OtlpHttpLoad(
                URI.create("http://localhost:" + gateway.otlpHttpPort() + "/v1/traces"),
                apiKey,
                requests,
                options.spansPerRequest());
        report.statusWithoutKey(load.statusWithoutKey());
        CpuMeter cpu = new CpuMeter(GatewayBench::threadCategory);
        ClosedLoop.Result result =
            ClosedLoop.run(
                "gateway",
                options.clients(),
                options.warmup(),
                options.duration(),
                load,
                new ClosedLoop.Window() {
                  @Override
                  public void started() {
                    cpu.start();
                  }

                  @Override
                  public void ended() {
                    report.gatewayCpu(cpu.stop());
                  }
                });
        report.gateway(result);
        if (result.items() == 0) {
          throw new IllegalStateException(
              "The gateway accepted no span in the window; first failure: "
                  + result.firstFailure());
        }
      }
      List<Span> spans = normalised(requests);
      RawSpanProducer.Result raw =
          RawSpanProducer.run(
              cluster.kafka(),
              spans,
              options.warmup(),
              report.acceptedSpans(),
              options.rawThreads(),
              new CpuMeter(GatewayBench::threadCategory));
      report.raw(raw).spansOnTopic(cluster.records(Topics.SPANS.name()));
      return report.finish(Instant.now(), ReportSections.loadAverage());
    } finally {
      ScenarioRunner.deleteRecursively(dir);
    }
  }

  /** The CPU category of a thread: the gateway's, the load generator's, or the rest. */
  static String threadCategory(String threadName) {
    if (threadName == null) {
      return OTHER_THREADS;
    }
    if (threadName.startsWith("armeria-")
        || threadName.startsWith("kafka-producer-network-thread")) {
      return GATEWAY_THREADS;
    }
    if (threadName.startsWith("bench-client-") || threadName.startsWith("HttpClient-")) {
      return LOAD_THREADS;
    }
    return OTHER_THREADS;
  }

  private static Path workDir(GatewayBenchOptions options) {
    try {
      Files.createDirectories(options.workDir());
      return Files.createTempDirectory(options.workDir(), "gateway-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory under " + options.workDir(), e);
    }
  }

  private static List<byte[]> encodedRequests(int spansPerRequest) {
    OtlpRequestFactory factory = new OtlpRequestFactory(42);
    long now = System.currentTimeMillis() * 1_000_000L;
    List<byte[]> requests = new ArrayList<>();
    for (int i = 0; i < REQUEST_POOL; i++) {
      requests.add(factory.request(spansPerRequest, now).toByteArray());
    }
    return requests;
  }

  /** The spans of the requests as the gateway normalises them for {@code tracefold.spans}. */
  private static List<Span> normalised(List<byte[]> requests) {
    SpanNormalizer normalizer = new SpanNormalizer(Clock.systemUTC());
    List<Span> spans = new ArrayList<>();
    for (byte[] request : requests) {
      try {
        spans.addAll(
            normalizer
                .normalize(
                    PROJECT, "otlp-http-protobuf", ExportTraceServiceRequest.parseFrom(request))
                .spans());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return spans;
  }
}

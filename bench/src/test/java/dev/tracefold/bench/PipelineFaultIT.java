package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.embedded.EmbeddedKafkaBroker;
import dev.tracefold.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue #12: PostgreSQL stopped for 30 s, then the Kafka broker stopped for 30 s, then the
 * completion stream's state directory full, each under load.
 *
 * <p>The standalone pipeline runs in a child JVM on an external broker and an external PostgreSQL
 * that this test runs ({@link EmbeddedKafkaBroker}, {@link EmbeddedPostgresServer}) on fixed ports,
 * so that each restarts on its data at the same address; the gateway and API have fixed ports too,
 * so that the pipeline restarts at its address. The child runs in a user and mount namespace of its
 * own ({@code unshare -Urm}: root's chmod cannot make a directory unwritable) where its completion
 * state directory is a 512 MiB tmpfs; this test fills it through {@code /proc/<pid>/root}. Each
 * test runs its own load (its own {@link TraceLedger}) before, during and after its fault, and
 * {@link PipelineVerdict} holds for it afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineFaultIT {
  private static final Logger log = LoggerFactory.getLogger(PipelineFaultIT.class);
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final Duration LOAD_BEFORE = Duration.ofSeconds(8);
  private static final Duration LOAD_AFTER = Duration.ofSeconds(10);

  @TempDir static Path dir;

  private static int kafkaPort;
  private static int postgresPort;
  private static EmbeddedKafkaBroker broker;
  private static EmbeddedPostgresServer postgres;
  private static PipelineProcess pipeline;
  private static PipelineVerdict.Pipeline stores;
  private static Map<String, String> settings;
  private static Path stateDir;

  @BeforeAll
  static void startPipeline() {
    kafkaPort = ChildJvm.freePort();
    postgresPort = ChildJvm.freePort();
    broker = startBroker();
    postgres = startPostgres();
    settings = FaultLoad.settings();
    FaultLoad.fixGatewayPorts(settings);
    stateDir = dir.resolve("completion-state").toAbsolutePath();
    settings.put("tracefold.completion.state-dir", stateDir.toString());
    settings.put(
        "tracefold.standalone.external-kafka-bootstrap-servers", broker.bootstrapServers());
    settings.put("tracefold.standalone.external-store-jdbc-url", postgres.jdbcUrl());
    settings.put("tracefold.store.username", postgres.username());
    settings.put("tracefold.store.password", postgres.password());
    pipeline = startPipelineOnTmpfs();
    FaultLoad.createEveryRule(pipeline.apiUri(), pipeline.apiKey());
    stores = PipelineVerdict.Pipeline.of(pipeline, FaultLoad.QUIET_WINDOW);
  }

  @AfterAll
  static void stopPipeline() {
    if (pipeline != null) {
      pipeline.close();
      FaultLoad.keepLog(pipeline, "PipelineFaultIT");
    }
    if (postgres != null) {
      postgres.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /**
   * Starts the pipeline in a new user and mount namespace whose {@link #stateDir} is an empty 64
   * MiB tmpfs (a restart begins with an empty state directory: the stream restores its stores from
   * their changelogs).
   */
  private static PipelineProcess startPipelineOnTmpfs() {
    try {
      Files.createDirectories(stateDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return PipelineProcess.start(
        FaultLoad.options(dir, FaultLoad.MAX_LOAD),
        dir.resolve("pipeline"),
        settings,
        List.of(
            "unshare",
            "-Urm",
            "sh",
            "-c",
            "mount -t tmpfs -o size=512m tmpfs \"$0\" && exec \"$@\"",
            stateDir.toString()));
  }

  private static EmbeddedKafkaBroker startBroker() {
    EmbeddedKafkaBroker started =
        EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).port(kafkaPort).build();
    started.start();
    return started;
  }

  private static EmbeddedPostgresServer startPostgres() {
    EmbeddedPostgresServer started =
        EmbeddedPostgresServer.builder()
            .dataDir(dir.resolve("postgres"))
            .port(postgresPort)
            .build();
    started.start();
    return started;
  }

  @Test
  @Order(1)
  void postgresStoppedFor30SecondsTheApiAnswers503TheGatewayKeepsAcceptingNothingIsLost()
      throws Exception {
    try (FaultLoad load = new FaultLoad(dir, pipeline.otlpHttpUri(), pipeline.apiKey())) {
      Pause.millis(LOAD_BEFORE.toMillis());
      AgentLoad.Result before = load.result();
      log.info("Stopping PostgreSQL for {}; {} spans acknowledged", OUTAGE, before.spansAcked());
      long stoppedAt = System.nanoTime();
      postgres.close();
      Pause.millis(5_000);
      HttpResponse<String> read =
          FaultLoad.get(pipeline.apiUri(), "/api/v1/traces", pipeline.apiKey());
      HttpResponse<String> health = FaultLoad.get(pipeline.apiUri(), "/health", "");
      log.info(
          "During the outage: read API {} {}, /health {} {}",
          read.statusCode(),
          read.body(),
          health.statusCode(),
          health.body());
      pauseUntil(stoppedAt, OUTAGE);
      AgentLoad.Result during = load.result();
      postgres = startPostgres();
      log.info("PostgreSQL started again; {} spans acknowledged", load.result().spansAcked());

      assertThat(read.statusCode())
          .as("read API while PostgreSQL is down: %s", read.body())
          .isEqualTo(503);
      assertThat(read.headers().firstValue("Retry-After")).isPresent();
      assertThat(during.spansAcked())
          .as("the gateway kept acknowledging spans while PostgreSQL was down")
          .isGreaterThan(before.spansAcked() + FaultLoad.SPANS_PER_SECOND * 10L);
      assertThat(during.retried503() + during.retried429() + during.retriedTransport())
          .as("the gateway refused nothing while PostgreSQL was down")
          .isEqualTo(before.retried503() + before.retried429() + before.retriedTransport());

      Pause.millis(LOAD_AFTER.toMillis());
      load.finishAndAssert(stores, "PostgreSQL stopped 30 s");
    }
  }

  @Test
  @Order(2)
  void brokerStoppedFor30SecondsTheGatewayAnswers503WithRetryAfterNothingIsLost() throws Exception {
    try (FaultLoad load = new FaultLoad(dir, pipeline.otlpHttpUri(), pipeline.apiKey())) {
      Pause.millis(LOAD_BEFORE.toMillis());
      log.info(
          "Stopping the broker for {}; {} spans acknowledged", OUTAGE, load.result().spansAcked());
      long stoppedAt = System.nanoTime();
      broker.close();
      Pause.millis(3_000);
      HttpResponse<byte[]> refused = FaultLoad.probe(pipeline.otlpHttpUri(), pipeline.apiKey());
      log.info(
          "During the outage: OTLP/HTTP answered {} (Retry-After {})",
          refused.statusCode(),
          refused.headers().firstValue("Retry-After").orElse("none"));
      pauseUntil(stoppedAt, OUTAGE);
      AgentLoad.Result during = load.result();
      broker = startBroker();
      log.info("Broker started again; {} spans acknowledged", load.result().spansAcked());

      assertThat(refused.statusCode()).as("the gateway while the broker is down").isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(during.retried503()).as("the load's requests were refused with 503").isPositive();

      Pause.millis(LOAD_AFTER.toMillis());
      load.finishAndAssert(stores, "Broker stopped 30 s");
    }
  }

  @Test
  @Order(3)
  void stateDirectoryFullTheStreamIsReportedDownAndAfterARestartNothingIsLost() throws Exception {
    try (FaultLoad load = new FaultLoad(dir, pipeline.otlpHttpUri(), pipeline.apiKey())) {
      Pause.millis(LOAD_BEFORE.toMillis());
      Path filler = Path.of("/proc/" + pipeline.pid() + "/root" + stateDir, "filler");
      long filledBytes = fill(filler);
      log.info(
          "State directory full ({} bytes of filler); {} spans acknowledged",
          filledBytes,
          load.result().spansAcked());
      long filledAt = System.nanoTime();
      HttpResponse<String> health = FaultLoad.get(pipeline.apiUri(), "/health", "");
      while (!streamDown(health.body()) && secondsSince(filledAt) < 60) {
        Pause.millis(1_000);
        health = FaultLoad.get(pipeline.apiUri(), "/health", "");
      }
      log.info(
          "{} s after the state directory filled: /health {} {}",
          secondsSince(filledAt),
          health.statusCode(),
          health.body());
      // RocksDB fails when it next flushes a memtable: the stream thread fails and is replaced
      double threadFailures = 0;
      while (threadFailures == 0 && secondsSince(filledAt) < 150) {
        Pause.millis(2_000);
        threadFailures =
            metricValue(
                FaultLoad.get(pipeline.apiUri(), "/metrics", "").body(),
                "tracefold_completion_thread_failures_total");
      }
      log.info(
          "{} s after the state directory filled: {} stream thread failures",
          secondsSince(filledAt),
          threadFailures);
      String pipelineLog = Files.readString(pipeline.logFile());
      long ackedWhileFull = load.result().spansAcked();
      Files.delete(filler);
      log.info("State directory writable again; restarting the pipeline");
      pipeline.close();
      FaultLoad.keepLog(pipeline, "PipelineFaultIT-state-directory-full");
      pipeline = startPipelineOnTmpfs();

      assertThat(health.statusCode()).as("/health: %s", health.body()).isEqualTo(503);
      assertThat(streamDown(health.body())).as("completion-stream DOWN in /health").isTrue();
      assertThat(threadFailures).as("tracefold_completion_thread_failures_total").isPositive();
      assertThat(pipelineLog)
          .as("the pipeline's log names the cause")
          .contains("No space left on device");

      Pause.millis(LOAD_AFTER.toMillis());
      assertThat(load.result().spansAcked()).isGreaterThan(ackedWhileFull);
      load.finishAndAssert(stores, "State directory full");
    }
  }

  private static boolean streamDown(String health) {
    return health.contains("\"completion-stream\":{\"status\":\"DOWN\"");
  }

  /** Writes zeros to {@code file} until the file system is full; returns the bytes written. */
  private static long fill(Path file) throws IOException {
    byte[] block = new byte[64 * 1024];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
        written += block.length;
      }
    } catch (IOException e) {
      if (written == 0 || !String.valueOf(e.getMessage()).contains("No space left on device")) {
        throw e;
      }
      return written;
    }
  }

  /** The sum of the samples of {@code name} in a Prometheus text exposition. */
  private static double metricValue(String exposition, String name) {
    double sum = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static long secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000_000;
  }

  private static void pauseUntil(long startNanos, Duration after) {
    long left = after.toMillis() - (System.nanoTime() - startNanos) / 1_000_000;
    if (left > 0) {
      Pause.millis(left);
    }
  }
}

package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.embedded.EmbeddedKafkaBroker;
import dev.tracefold.embedded.EmbeddedPostgresServer;
import java.net.http.HttpResponse;
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
 * Issue #12: PostgreSQL, then the Kafka broker, stopped for 30 s under load. The standalone
 * pipeline runs in a child JVM on an external broker and an external PostgreSQL that this test runs
 * ({@link EmbeddedKafkaBroker}, {@link EmbeddedPostgresServer}) on fixed ports, so that each
 * restarts on its data at the same address. Each test runs its own load (its own {@link
 * TraceLedger}) before, during and after its outage, and {@link PipelineVerdict} holds for it
 * afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DependencyOutageIT {
  private static final Logger log = LoggerFactory.getLogger(DependencyOutageIT.class);
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final Duration LOAD_BEFORE = Duration.ofSeconds(10);
  private static final Duration LOAD_AFTER = Duration.ofSeconds(15);

  @TempDir static Path dir;

  private static int kafkaPort;
  private static int postgresPort;
  private static EmbeddedKafkaBroker broker;
  private static EmbeddedPostgresServer postgres;
  private static PipelineProcess pipeline;
  private static PipelineVerdict.Pipeline stores;

  @BeforeAll
  static void startPipeline() {
    kafkaPort = FaultLoad.freePort();
    postgresPort = FaultLoad.freePort();
    broker = startBroker();
    postgres = startPostgres();
    Map<String, String> settings = FaultLoad.settings();
    settings.put(
        "tracefold.standalone.external-kafka-bootstrap-servers", broker.bootstrapServers());
    settings.put("tracefold.standalone.external-store-jdbc-url", postgres.jdbcUrl());
    settings.put("tracefold.store.username", postgres.username());
    settings.put("tracefold.store.password", postgres.password());
    pipeline =
        PipelineProcess.start(
            FaultLoad.options(dir, FaultLoad.MAX_LOAD),
            dir.resolve("pipeline"),
            settings,
            List.of());
    FaultLoad.createEveryRule(pipeline.apiUri(), pipeline.apiKey());
    stores =
        new PipelineVerdict.Pipeline(
            pipeline.kafkaBootstrapServers(),
            pipeline.storeJdbcUrl(),
            PipelineBench.PROJECT,
            FaultLoad.QUIET_WINDOW,
            true);
  }

  @AfterAll
  static void stopPipeline() {
    if (pipeline != null) {
      pipeline.close();
      FaultLoad.keepLog(pipeline, "DependencyOutageIT");
    }
    if (postgres != null) {
      postgres.close();
    }
    if (broker != null) {
      broker.close();
    }
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
      PipelineVerdict verdict = load.finish(stores);
      log.info(
          "PostgreSQL stopped {}: {} spans/s acknowledged; {}",
          OUTAGE,
          Math.round(load.ackedSpansPerSecond()),
          verdict.figures().summary());
      verdict.assertHolds();
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
      PipelineVerdict verdict = load.finish(stores);
      log.info(
          "Broker stopped {}: {} spans/s acknowledged; {}",
          OUTAGE,
          Math.round(load.ackedSpansPerSecond()),
          verdict.figures().summary());
      verdict.assertHolds();
    }
  }

  private static void pauseUntil(long startNanos, Duration after) {
    long left = after.toMillis() - (System.nanoTime() - startNanos) / 1_000_000;
    if (left > 0) {
      Pause.millis(left);
    }
  }
}

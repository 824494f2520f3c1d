package dev.tracefold.standalone;

import com.typesafe.config.Config;
import dev.tracefold.api.ApiSettings;
import dev.tracefold.api.ScorePendingMonitor;
import dev.tracefold.api.TraceApi;
import dev.tracefold.completion.CompletionSettings;
import dev.tracefold.completion.CompletionStream;
import dev.tracefold.embedded.EmbeddedKafkaBroker;
import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.gateway.GatewaySettings;
import dev.tracefold.gateway.IngestGateway;
import dev.tracefold.gateway.TenancySettings;
import dev.tracefold.service.HealthCheck;
import dev.tracefold.service.KafkaLagMonitor;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.service.TopicProvisioner;
import dev.tracefold.sink.RollupSink;
import dev.tracefold.sink.SinkSettings;
import dev.tracefold.store.RetentionJob;
import dev.tracefold.store.RetentionSettings;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one JVM: an embedded single-node KRaft broker and an embedded PostgreSQL
 * (unless external ones are configured), the completion stream, the rollup sink, the ingest gateway
 * and the trace API, sharing one Prometheus registry. The trace API's routes are mounted on the
 * gateway's API port ({@link TraceApi#routes}), so native traces, the read API, {@code /metrics}
 * and {@code /health} share one port as before the API was a service of its own; its jobs
 * (retention, the score-pending gauge) run here too. Used by {@link StandaloneMain} and the
 * end-to-end test. {@link #close()} stops everything in reverse start order, PostgreSQL's processes
 * included; it is idempotent and thread-safe.
 */
public final class StandalonePipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StandalonePipeline.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>(); // guarded by this
  private boolean closed; // guarded by this
  private String kafkaBootstrapServers;
  private StoreSettings storeSettings;
  private String storeNote = "";
  private IngestGateway gateway;
  private Optional<String> developmentApiKey = Optional.empty();

  private StandalonePipeline() {}

  /**
   * Starts every component, in dependency order.
   *
   * @param config the full configuration ({@code tracefold.*})
   * @return the running pipeline
   * @throws RuntimeException whatever a component throws on start; what had started is closed
   */
  public static StandalonePipeline start(Config config) {
    StandalonePipeline pipeline = unstarted();
    pipeline.startUp(config);
    return pipeline;
  }

  /**
   * A pipeline that has started nothing yet: {@link StandaloneMain} registers its shutdown hook on
   * it before {@link #startUp}, so that a SIGTERM during start-up stops what had started (the
   * embedded PostgreSQL is a child process that would otherwise outlive the JVM).
   */
  static StandalonePipeline unstarted() {
    return new StandalonePipeline();
  }

  /**
   * Starts every component, in dependency order.
   *
   * @throws RuntimeException whatever a component throws on start, or {@link IllegalStateException}
   *     if {@link #close()} was called meanwhile; what had started is closed
   */
  void startUp(Config config) {
    try {
      startAll(config);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Registers a component to close, last registered first; call before starting it, so that a
   * concurrent {@link #close()} reaches it (closing waits for a start in progress: the embedded
   * servers start and close under one lock).
   *
   * @throws IllegalStateException if the pipeline was closed meanwhile
   */
  private synchronized <T extends AutoCloseable> T track(T component) {
    if (closed) {
      throw new IllegalStateException("Tracefold standalone was stopped while starting");
    }
    started.push(component);
    return component;
  }

  private void startAll(Config config) {
    StandaloneSettings standalone = StandaloneSettings.from(config);
    KafkaSettings kafka = KafkaSettings.from(config);
    if (standalone.externalKafkaBootstrapServers().isPresent()) {
      kafka = kafka.withBootstrapServers(standalone.externalKafkaBootstrapServers().get());
    } else {
      EmbeddedKafkaBroker broker =
          EmbeddedKafkaBroker.builder()
              .dataDir(standalone.dataDir().resolve("kafka"))
              .port(standalone.kafkaPort())
              .build();
      track(broker).start();
      kafka = kafka.withBootstrapServers(broker.bootstrapServers());
    }
    kafkaBootstrapServers = kafka.bootstrapServers();

    StoreSettings store = StoreSettings.from(config);
    Optional<String> externalStore = standalone.externalStoreJdbcUrl();
    if (externalStore.isPresent()) {
      // as the external broker: the URL given wins over tracefold.store.jdbc-url (they are the
      // same setting when both come from TRACEFOLD_STORE_JDBC_URL)
      store = store.withConnection(externalStore.get(), store.username(), store.password());
    } else {
      EmbeddedPostgresServer postgres =
          EmbeddedPostgresServer.builder()
              .dataDir(standalone.dataDir().resolve("postgres"))
              .port(standalone.postgresPort())
              // zonky turns these off for speed; a standalone store must survive an OS crash
              .serverConfig("fsync", "on")
              .serverConfig("synchronous_commit", "on")
              // the default 128 MB does not hold the trace rows and index pages the writers touch
              // at random trace ids: 70% fewer block reads, stored sooner (docs/decisions.md)
              .serverConfig("shared_buffers", "512MB")
              // closed by this pipeline, after the services that write to it
              .registerShutdownHook(false)
              .build();
      track(postgres).start();
      store =
          new StoreSettings(
              postgres.jdbcUrl(),
              postgres.username(),
              postgres.password(),
              store.maximumPoolSize());
      storeNote =
          " (user "
              + postgres.username()
              + ", password in "
              + postgres.dataDir().resolve(EmbeddedPostgresServer.PASSWORD_FILE_NAME)
              + ")";
    }
    storeSettings = store;

    TopicProvisioner.ensureTopics(kafka);
    PrometheusMeterRegistry registry = MeterRegistries.newPrometheusRegistry();
    TraceStore traceStore = TraceStore.open(store, registry);
    track(traceStore);

    CompletionSettings completion = CompletionSettings.from(config);
    if (!completion.stateDir().isAbsolute()) {
      completion = completion.withStateDir(standalone.dataDir().resolve("completion-state"));
    }
    CompletionStream stream =
        CompletionStream.start(completion, kafka, registry, Duration.ofMinutes(2));
    track(stream);
    SinkSettings sinkSettings = SinkSettings.from(config);
    RollupSink sink = RollupSink.start(sinkSettings, kafka, traceStore, registry);
    track(sink);
    KafkaLagMonitor lag =
        KafkaLagMonitor.start(
            kafka,
            List.of(
                completion.applicationId(),
                sinkSettings.spansGroupId(),
                sinkSettings.tracesGroupId()),
            registry,
            KafkaLagMonitor.DEFAULT_INTERVAL);
    track(lag);
    List<HealthCheck> checks = new ArrayList<>(stream.healthChecks());
    checks.addAll(sink.healthChecks());
    checks.add(lag.healthCheck());
    gateway =
        IngestGateway.start(
            GatewaySettings.from(config).withBindAddress(standalone.bindAddress()),
            TenancySettings.from(config),
            kafka,
            traceStore,
            registry,
            checks,
            List.of(TraceApi.routes(traceStore)));
    track(gateway);
    DevelopmentApiKey.Outcome devKey =
        DevelopmentApiKey.ensure(gateway.apiKeys(), standalone.dataDir());
    developmentApiKey = devKey.key();
    track(RetentionJob.start(traceStore, RetentionSettings.from(config)));
    // the trace API's jobs, as TraceApiMain runs them
    track(ScorePendingMonitor.start(traceStore, registry, ApiSettings.from(config)));

    log.info("Tracefold standalone is running (data in {})", standalone.dataDir().toAbsolutePath());
    log.info("  OTLP/HTTP        http://localhost:{}/v1/traces", gateway.otlpHttpPort());
    log.info("  OTLP/gRPC        localhost:{} (TraceService/Export)", gateway.otlpGrpcPort());
    log.info(
        "  Native traces    http://localhost:{}/api/v1/traces, .../traces/upload",
        gateway.apiPort());
    log.info(
        "  Web console      http://localhost:{}/ (sign in with the API key below)",
        gateway.apiPort());
    log.info("  Read API         http://localhost:{}/api/v1/traces", gateway.apiPort());
    log.info("  Metrics, health  http://localhost:{}/metrics  /health", gateway.apiPort());
    log.info(
        "  Kafka            {} (topics tracefold.spans, tracefold.traces.completed, tracefold.evaluation.triggers)",
        kafkaBootstrapServers);
    log.info("  PostgreSQL       {}{}", storeSettings.jdbcUrl(), storeNote);
    log.info("  Quiet window     {}", completion.quietWindow());
    log.info("  API key          {} ({})", devKey.key().orElse("-"), devKey.note());
    log.info(
        "                   send it as 'Authorization: Bearer <key>';"
            + " OTLP exporters: OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<key>");
  }

  /** Bootstrap servers of the Kafka in use (embedded or external). */
  public String kafkaBootstrapServers() {
    return kafkaBootstrapServers;
  }

  /**
   * The PostgreSQL in use: URL, user and password (the embedded server's superuser, or the external
   * store's configured user).
   */
  public StoreSettings storeSettings() {
    return storeSettings;
  }

  /**
   * The development API key of project {@code default} (created on the first start and kept in
   * {@code <data dir>/dev-api-key}); empty when the project has other keys instead.
   */
  public Optional<String> developmentApiKey() {
    return developmentApiKey;
  }

  /** The port OTLP/gRPC listens on. */
  public int otlpGrpcPort() {
    return gateway.otlpGrpcPort();
  }

  /** The port OTLP/HTTP listens on. */
  public int otlpHttpPort() {
    return gateway.otlpHttpPort();
  }

  /** The port of the read API, /metrics and /health. */
  public int apiPort() {
    return gateway.apiPort();
  }

  /** Stops every component started, last started first. Idempotent; later starts then fail. */
  @Override
  public synchronized void close() {
    closed = true;
    while (!started.isEmpty()) {
      AutoCloseable component = started.pop();
      try {
        component.close();
      } catch (Exception e) {
        log.warn("Failed to close {}", component.getClass().getSimpleName(), e);
      }
    }
  }
}

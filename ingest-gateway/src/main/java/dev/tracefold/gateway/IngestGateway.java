package dev.tracefold.gateway;

import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.tracefold.auth.ApiKeyAuthService;
import dev.tracefold.auth.ApiKeyAuthenticator;
import dev.tracefold.auth.AuthMetrics;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.ingest.IngestPipeline;
import dev.tracefold.gateway.ingest.KafkaSpanProducers;
import dev.tracefold.gateway.ingest.SpanIngester;
import dev.tracefold.gateway.nativejson.NativeErrorHandler;
import dev.tracefold.gateway.nativejson.NativeTraceService;
import dev.tracefold.gateway.otlp.OtlpErrorHandler;
import dev.tracefold.gateway.otlp.OtlpGrpcServer;
import dev.tracefold.gateway.otlp.OtlpGrpcService;
import dev.tracefold.gateway.otlp.OtlpHttpService;
import dev.tracefold.gateway.otlp.SpanNormalizer;
import dev.tracefold.gateway.ratelimit.ProjectRateLimiter;
import dev.tracefold.schemas.Span;
import dev.tracefold.service.HealthCheck;
import dev.tracefold.service.HttpRoutes;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.OpsEndpoints;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.key.ApiKeyStore;
import dev.tracefold.store.key.ConfigKeySync;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest gateway: the OTLP/HTTP receiver ({@code POST /v1/traces}, port {@link
 * GatewaySettings#otlpHttpPort()}), the OTLP/gRPC receiver (port {@link
 * GatewaySettings#otlpGrpcPort()}) and the native trace endpoints in front of one {@link
 * IngestPipeline} and {@link SpanIngester} that produces to {@code tracefold.spans}, with {@code
 * /metrics} and {@code /health} beside the native endpoints (port {@link
 * GatewaySettings#apiPort()}). A thin shell: the ingest core and the transports are separate
 * classes that tests drive directly; it builds the ingest meters ({@link IngestMetrics}, {@link
 * AuthMetrics}) once and hands them to every transport. The read API is trace-api's; a process that
 * runs both (standalone) can mount its routes on the API port ({@link HttpRoutes}).
 *
 * <p>{@code /health} reports the gateway's checks {@code kafka} (the producer is open and the
 * latest request's spans were acknowledged) and {@code store} (PostgreSQL answers), then any extra
 * checks given to {@code start}.
 *
 * <p>Every request but {@code /health} and {@code /metrics} needs an API key ({@code Authorization:
 * Bearer <key>}) of the store's {@code api_keys}; the request's project is the key's ({@link
 * ApiKeyAuthService}). Ingest is limited per project ({@link ProjectRateLimiter}). On start the
 * keys of {@link TenancySettings#apiKeys()} are stored ({@link ApiKeyStore#syncConfigKeys}). The
 * {@link TraceStore} serves the API keys only (and the {@code store} check: a gateway that cannot
 * reach PostgreSQL cannot verify new keys).
 *
 * <p>Thread-safe. {@link #close()} is idempotent; it does not close the store, which the caller
 * owns.
 */
public final class IngestGateway implements AutoCloseable {
  /** Extra time Armeria allows a request beyond the produce timeout (upload, decoding). */
  private static final Duration REQUEST_TIMEOUT_MARGIN = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(IngestGateway.class);

  private final GatewaySettings settings;
  private final KafkaProducer<String, Span> producer;
  private final KafkaClientMetrics producerMetrics;
  private final SpanIngester ingester;
  private final IngestMetrics metrics;
  private final AuthMetrics authMetrics;
  private final IngestPipeline pipeline;
  private final List<HealthCheck> healthChecks;
  private final TenancySettings tenancy;
  private final ApiKeyStore apiKeys;
  private final ApiKeyAuthenticator authenticator;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Server otlpServer;
  private volatile Server apiServer;
  private volatile OtlpGrpcServer otlpGrpcServer;

  private IngestGateway(
      GatewaySettings settings,
      TenancySettings tenancy,
      KafkaSettings kafka,
      TraceStore store,
      PrometheusMeterRegistry registry) {
    this.settings = settings;
    this.tenancy = tenancy;
    this.apiKeys = store.apiKeys();
    this.authenticator =
        new ApiKeyAuthenticator(
            apiKeys::verify,
            CommonPools.blockingTaskExecutor(),
            tenancy.apiKeyCacheTtl(),
            ApiKeyAuthenticator.DEFAULT_MAX_CACHED_KEYS,
            System::nanoTime);
    this.producer = KafkaSpanProducers.create(kafka, settings.produceTimeout());
    this.producerMetrics = new KafkaClientMetrics(producer); // kafka_producer_* meters
    producerMetrics.bindTo(registry);
    this.metrics = new IngestMetrics(registry);
    this.authMetrics = new AuthMetrics(registry);
    this.ingester =
        new SpanIngester(
            producer,
            settings.produceTimeout(),
            metrics,
            CommonPools.blockingTaskExecutor(),
            Clock.systemUTC(),
            settings.limits());
    this.pipeline =
        new IngestPipeline(
            ingester, new ProjectRateLimiter(tenancy.rateLimit()), settings.limits());
    this.healthChecks = List.of(kafkaCheck(), storeCheck(store));
  }

  /**
   * Creates the Kafka producer and starts both HTTP servers; returns once they listen. Same as
   * {@link #start(GatewaySettings, KafkaSettings, TraceStore, PrometheusMeterRegistry, List)} with
   * no extra health checks.
   */
  public static IngestGateway start(
      GatewaySettings settings,
      KafkaSettings kafka,
      TraceStore store,
      PrometheusMeterRegistry registry) {
    return start(settings, kafka, store, registry, List.of());
  }

  /**
   * Same as {@link #start(GatewaySettings, TenancySettings, KafkaSettings, TraceStore,
   * PrometheusMeterRegistry, List)} with {@link TenancySettings#defaults()}: default rate limits
   * and no configuration keys (keys come from the store; configuration keys stored by an earlier
   * start are revoked, as with an empty {@code TRACEFOLD_API_KEYS}).
   */
  public static IngestGateway start(
      GatewaySettings settings,
      KafkaSettings kafka,
      TraceStore store,
      PrometheusMeterRegistry registry,
      List<HealthCheck> extraHealthChecks) {
    return start(settings, TenancySettings.defaults(), kafka, store, registry, extraHealthChecks);
  }

  /**
   * Same as {@link #start(GatewaySettings, TenancySettings, KafkaSettings, TraceStore,
   * PrometheusMeterRegistry, List, List)} with no extra routes on the API port.
   */
  public static IngestGateway start(
      GatewaySettings settings,
      TenancySettings tenancy,
      KafkaSettings kafka,
      TraceStore store,
      PrometheusMeterRegistry registry,
      List<HealthCheck> extraHealthChecks) {
    return start(settings, tenancy, kafka, store, registry, extraHealthChecks, List.of());
  }

  /**
   * Stores the configuration's API keys, creates the Kafka producer and starts both HTTP servers;
   * returns once they listen.
   *
   * @param settings ports, size cap and produce timeout
   * @param tenancy API keys from configuration, key cache time, rate limits
   * @param kafka where {@code tracefold.spans} lives (the topic must exist)
   * @param store the trace store whose {@code api_keys} verify the requests; stays owned by the
   *     caller
   * @param registry where the gateway's meters go; {@code /metrics} shows it
   * @param extraHealthChecks checks of other components in this process (e.g. the completion stream
   *     and the sink in standalone mode) that {@code /health} reports after the gateway's own
   *     {@code kafka} and {@code store}
   * @param extraApiRoutes routes of other services in this process served on the API port behind
   *     the same API key check (standalone: trace-api's read API)
   * @return the running gateway
   * @throws IllegalArgumentException if a configuration key is already a key of another project
   * @throws RuntimeException if a port cannot be bound ({@code CompletionException} for the HTTP
   *     servers, {@code UncheckedIOException} for gRPC); everything started so far is closed again
   */
  public static IngestGateway start(
      GatewaySettings settings,
      TenancySettings tenancy,
      KafkaSettings kafka,
      TraceStore store,
      PrometheusMeterRegistry registry,
      List<HealthCheck> extraHealthChecks,
      List<HttpRoutes> extraApiRoutes) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(tenancy, "tenancy");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(registry, "registry");
    List<HealthCheck> extra = List.copyOf(extraHealthChecks);
    List<HttpRoutes> routes = List.copyOf(extraApiRoutes);
    IngestGateway gateway = new IngestGateway(settings, tenancy, kafka, store, registry);
    try {
      gateway.storeConfigKeys();
      gateway.startServers(registry, extra, routes);
    } catch (RuntimeException e) {
      gateway.close();
      throw e;
    }
    log.info(
        "Ingest gateway: OTLP/HTTP on port {}, OTLP/gRPC on port {}, native traces{}, /metrics and"
            + " /health on port {}",
        gateway.otlpHttpPort(),
        gateway.otlpGrpcPort(),
        routes.isEmpty() ? "" : " and " + routes.size() + " mounted route set(s)",
        gateway.apiPort());
    return gateway;
  }

  private void storeConfigKeys() {
    ConfigKeySync sync = apiKeys.syncConfigKeys(tenancy.apiKeys());
    if (sync.added() + sync.unchanged() + sync.revoked() == 0) {
      return;
    }
    log.info(
        "API keys of TRACEFOLD_API_KEYS: {} stored now, {} already stored, {} no longer listed"
            + " and revoked",
        sync.added(),
        sync.unchanged(),
        sync.revoked());
  }

  private void startServers(
      PrometheusMeterRegistry registry,
      List<HealthCheck> extraHealthChecks,
      List<HttpRoutes> extraApiRoutes) {
    Duration requestTimeout = settings.produceTimeout().plus(REQUEST_TIMEOUT_MARGIN);
    SpanNormalizer normalizer = new SpanNormalizer(Clock.systemUTC());
    OtlpHttpService otlp =
        new OtlpHttpService(
            pipeline, normalizer, metrics, settings.maxRequestBytes(), settings.limits());
    ServerBuilder otlpBuilder =
        Server.builder()
            .http(new InetSocketAddress(settings.bindAddress(), settings.otlpHttpPort()))
            .maxRequestLength(settings.maxRequestBytes())
            .requestTimeout(requestTimeout)
            .errorHandler(new OtlpErrorHandler(metrics, settings.maxRequestBytes()));
    otlpBuilder.route().post(OtlpHttpService.PATH).build(otlp);
    otlpBuilder.decorator(
        ApiKeyAuthService.decorator(authenticator, OtlpHttpService::errorFor, authMetrics));
    otlpServer = otlpBuilder.build();
    otlpServer.start().join();

    otlpGrpcServer =
        OtlpGrpcServer.start(
            new InetSocketAddress(settings.bindAddress(), settings.otlpGrpcPort()),
            settings.maxRequestBytes(),
            new OtlpGrpcService(pipeline, normalizer, metrics, authenticator, authMetrics));

    ServerBuilder apiBuilder =
        Server.builder()
            .http(new InetSocketAddress(settings.bindAddress(), settings.apiPort()))
            .requestTimeout(requestTimeout)
            .errorHandler(new NativeErrorHandler(metrics));
    HttpRoutes mounted = HttpRoutes.all(extraApiRoutes);
    mounted.addTo(apiBuilder);
    new NativeTraceService(
            pipeline, metrics, settings.limits(), settings.maxRequestBytes(), Clock.systemUTC())
        .addTo(apiBuilder);
    List<HealthCheck> allChecks = new ArrayList<>(healthChecks);
    allChecks.addAll(extraHealthChecks);
    new OpsEndpoints(registry, allChecks).addTo(apiBuilder);
    apiBuilder.decorator(
        ApiKeyAuthService.decorator(
            authenticator, NativeTraceService::errorFor, authMetrics, mounted::isOpen));
    apiServer = apiBuilder.build();
    apiServer.start().join();
  }

  /** The bound OTLP/HTTP port (the real one when configured as 0). */
  public int otlpHttpPort() {
    return otlpServer.activeLocalPort();
  }

  /** The bound OTLP/gRPC port (the real one when configured as 0). */
  public int otlpGrpcPort() {
    return otlpGrpcServer.port();
  }

  /** The bound API port: native traces, /metrics, /health (the real one when configured as 0). */
  public int apiPort() {
    return apiServer.activeLocalPort();
  }

  /** The API keys, on the trace store's database. */
  public ApiKeyStore apiKeys() {
    return apiKeys;
  }

  /**
   * Stops accepting requests (OTLP first), then flushes and closes the producer, waiting at most
   * the produce timeout for outstanding records. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stop(otlpServer);
    if (otlpGrpcServer != null) {
      otlpGrpcServer.close();
    }
    stop(apiServer);
    try {
      producer.close(settings.produceTimeout());
    } catch (RuntimeException e) {
      log.warn("Closing the Kafka producer failed", e);
    }
    producerMetrics.close();
    log.info("Ingest gateway stopped");
  }

  private static void stop(Server server) {
    if (server == null) {
      return;
    }
    try {
      server.stop().join();
    } catch (RuntimeException e) {
      log.warn("Stopping an HTTP server failed", e);
    }
  }

  private HealthCheck kafkaCheck() {
    return new HealthCheck() {
      @Override
      public String name() {
        return "kafka";
      }

      @Override
      public Result check() {
        return closed.get() ? Result.down("producer closed") : ingester.health();
      }
    };
  }

  private static HealthCheck storeCheck(TraceStore store) {
    return new HealthCheck() {
      @Override
      public String name() {
        return "store";
      }

      @Override
      public Result check() {
        try {
          store.ping();
          return Result.up("PostgreSQL answers");
        } catch (RuntimeException e) {
          return Result.down(e.getMessage());
        }
      }
    };
  }
}

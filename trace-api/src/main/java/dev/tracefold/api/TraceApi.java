package dev.tracefold.api;

import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.tracefold.auth.ApiKeyAuthService;
import dev.tracefold.auth.ApiKeyAuthenticator;
import dev.tracefold.auth.AuthMetrics;
import dev.tracefold.console.WebConsole;
import dev.tracefold.service.HealthCheck;
import dev.tracefold.service.HttpRoutes;
import dev.tracefold.service.OpsEndpoints;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.key.ApiKeyStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trace API service: the read and management API ({@link ReadApiService}, {@code /api/v1/...})
 * over a {@link TraceStore}, with {@code /metrics} and {@code /health} ({@link OpsEndpoints}), on
 * one Armeria server on port {@link TraceApiSettings#port()}.
 *
 * <p>Every request but {@code /health} and {@code /metrics} needs an API key ({@code Authorization:
 * Bearer <key>}) of the store's {@code api_keys}; the request's project is the key's ({@link
 * ApiKeyAuthService}, refusals counted in {@code tracefold_gateway_auth_failures_total}). Keys
 * given in configuration ({@code TRACEFOLD_API_KEYS}) are stored by the ingest gateway, not here.
 *
 * <p>{@code /health} reports the check {@code store} (PostgreSQL answers), then any extra checks
 * given to {@code start}. The jobs that belong to the API (trace-store's retention job and {@link
 * ScorePendingMonitor}) are started beside it by {@link TraceApiMain} and standalone.
 *
 * <p>Thread-safe. {@link #close()} is idempotent; it does not close the store, which the caller
 * owns.
 */
public final class TraceApi implements AutoCloseable {
  /**
   * Time Armeria allows a request: what the gateway's API port allowed the read API before it was a
   * service of its own (the default produce timeout of 10 s plus a 30 s margin).
   */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(40);

  private static final Logger log = LoggerFactory.getLogger(TraceApi.class);

  private final Server server;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TraceApi(Server server) {
    this.server = server;
  }

  /**
   * Starts the server; returns once it listens. Same as {@link #start(TraceApiSettings, TraceStore,
   * PrometheusMeterRegistry, List)} with no extra health checks.
   */
  public static TraceApi start(
      TraceApiSettings settings, TraceStore store, PrometheusMeterRegistry registry) {
    return start(settings, store, registry, List.of());
  }

  /**
   * Starts the server; returns once it listens.
   *
   * @param settings port and API key cache time
   * @param store the trace store the API reads and writes, and whose {@code api_keys} verify the
   *     requests; stays owned by the caller
   * @param registry what {@code /metrics} shows; the API's own meters (key refusals) go there
   * @param extraHealthChecks checks of other components in this process that {@code /health}
   *     reports after {@code store}
   * @return the running service
   * @throws java.util.concurrent.CompletionException if the port cannot be bound
   */
  public static TraceApi start(
      TraceApiSettings settings,
      TraceStore store,
      PrometheusMeterRegistry registry,
      List<HealthCheck> extraHealthChecks) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(registry, "registry");
    List<HealthCheck> checks = new ArrayList<>();
    checks.add(storeCheck(store));
    checks.addAll(extraHealthChecks);
    ApiKeyStore keys = store.apiKeys();
    ApiKeyAuthenticator authenticator =
        new ApiKeyAuthenticator(
            keys::verify,
            CommonPools.blockingTaskExecutor(),
            settings.apiKeyCacheTtl(),
            ApiKeyAuthenticator.DEFAULT_MAX_CACHED_KEYS,
            System::nanoTime);
    ServerBuilder builder = Server.builder().http(settings.port()).requestTimeout(REQUEST_TIMEOUT);
    HttpRoutes routes = routes(store);
    routes.addTo(builder);
    new OpsEndpoints(registry, checks).addTo(builder);
    builder.decorator(
        ApiKeyAuthService.decorator(
            authenticator, ReadApiService::errorFor, new AuthMetrics(registry), routes::isOpen));
    Server server = builder.build();
    server.start().join();
    TraceApi api = new TraceApi(server);
    log.info(
        "Trace API: read API, web console (http://localhost:{}/), /metrics and /health on port {}",
        api.port(),
        api.port());
    return api;
  }

  /**
   * The routes this service serves besides {@code /metrics} and {@code /health}, for a process that
   * mounts them on a server of its own (standalone, on the gateway's API port): the read API under
   * {@code /api/v1} and the web console at {@code /} ({@link WebConsole}). The API's routes read
   * the request's project from {@link dev.tracefold.auth.AuthenticatedProject}: that server must
   * put them behind {@link ApiKeyAuthService}, leaving the paths of {@link HttpRoutes#isOpen} open.
   *
   * @param store where traces are read from; stays owned by the caller
   */
  public static HttpRoutes routes(TraceStore store) {
    return HttpRoutes.all(List.of(new ReadApiService(store), new WebConsole()));
  }

  /** The bound port (the real one when configured as 0). */
  public int port() {
    return server.activeLocalPort();
  }

  /** Stops accepting requests and waits for the server to stop. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.stop().join();
    } catch (RuntimeException e) {
      log.warn("Stopping the trace API's server failed", e);
    }
    log.info("Trace API stopped");
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

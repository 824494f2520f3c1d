package dev.tracefold.bench;

import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.tracefold.gateway.GatewaySettings;
import dev.tracefold.gateway.TenancySettings;
import dev.tracefold.gateway.api.ReadApiService;
import dev.tracefold.gateway.auth.ApiKeyAuthService;
import dev.tracefold.gateway.auth.ApiKeyAuthenticator;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.nativejson.NativeErrorHandler;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.store.ApiKeyStore;
import dev.tracefold.store.TraceStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * The read API as the ingest gateway serves it on its API port, without the gateway's Kafka side:
 * {@link ReadApiService} on an Armeria server with the gateway's request timeout and error handler,
 * behind the gateway's API key check ({@link ApiKeyAuthService}, keys verified against the store
 * and cached for the default 5 s). The key is stored as a configuration key ({@code
 * TRACEFOLD_API_KEYS}) would be. Not thread-safe to start; the server is.
 */
final class ReadApiServer {
  /** The gateway's margin over the produce timeout for a request. */
  private static final Duration REQUEST_TIMEOUT_MARGIN = Duration.ofSeconds(30);

  private ReadApiServer() {}

  /**
   * Stores {@code apiKey} for {@code projectId} and starts the server on an ephemeral port.
   *
   * @return the started server; the caller stops it
   */
  static Server start(TraceStore store, String apiKey, String projectId) {
    ApiKeyStore keys = new ApiKeyStore(store.dataSource());
    keys.syncConfigKeys(Map.of(apiKey, projectId));
    PrometheusMeterRegistry registry = MeterRegistries.newPrometheusRegistry();
    ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(keys::verify, CommonPools.blockingTaskExecutor(),
        TenancySettings.DEFAULT_API_KEY_CACHE_TTL, ApiKeyAuthenticator.DEFAULT_MAX_CACHED_KEYS, System::nanoTime);
    ServerBuilder builder = Server.builder()
        .http(0)
        .requestTimeout(GatewaySettings.DEFAULT_PRODUCE_TIMEOUT.plus(REQUEST_TIMEOUT_MARGIN))
        .errorHandler(new NativeErrorHandler(new IngestMetrics(registry)));
    new ReadApiService(store).addTo(builder);
    builder.decorator(ApiKeyAuthService.decorator(authenticator, ReadApiService::errorFor, registry));
    Server server = builder.build();
    server.start().join();
    return server;
  }
}

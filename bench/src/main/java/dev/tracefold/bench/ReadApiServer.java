package dev.tracefold.bench;

import dev.tracefold.api.TraceApi;
import dev.tracefold.api.TraceApiSettings;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.store.TraceStore;
import java.util.Map;

/**
 * The read API as the trace-api service serves it ({@link TraceApi}: its request timeout, behind
 * its API key check, keys verified against the store and cached for the default 5 s), on an
 * ephemeral port. The key is stored as a configuration key ({@code TRACEFOLD_API_KEYS}) would be.
 * Not thread-safe to start; the server is.
 */
final class ReadApiServer {
  private ReadApiServer() {}

  /**
   * Stores {@code apiKey} for {@code projectId} and starts the server on an ephemeral port.
   *
   * @return the started service; the caller closes it
   */
  static TraceApi start(TraceStore store, String apiKey, String projectId) {
    store.apiKeys().syncConfigKeys(Map.of(apiKey, projectId));
    return TraceApi.start(
        TraceApiSettings.defaults().withPort(0), store, MeterRegistries.newPrometheusRegistry());
  }
}

package dev.tracefold.api;

import com.typesafe.config.Config;
import dev.tracefold.service.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the trace-api server ({@code tracefold.api.http-port}, {@code
 * tracefold.api.api-key-cache-ttl} in this module's reference.conf). Immutable. The API's jobs have
 * their own settings ({@link ApiSettings}).
 *
 * @param port port of the read API, {@code /metrics} and {@code /health} (default {@value
 *     #DEFAULT_PORT}); 0 binds any free port
 * @param apiKeyCacheTtl how long a key's verification is reused before PostgreSQL is asked again,
 *     so how long a revoked key keeps working (default 5 s)
 */
public record TraceApiSettings(int port, Duration apiKeyCacheTtl) {
  /** Default port: the one after the gateway's 8080 and the ops ports 8081 and 8082. */
  public static final int DEFAULT_PORT = 8083;

  /** Default key cache time: 5 s, as the gateway's. */
  public static final Duration DEFAULT_API_KEY_CACHE_TTL = Duration.ofSeconds(5);

  /**
   * @throws IllegalArgumentException if the port is outside 0..65535 or the cache time is below 1
   *     ms
   */
  public TraceApiSettings {
    Objects.requireNonNull(apiKeyCacheTtl, "apiKeyCacheTtl");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("tracefold.api.http-port must be 0..65535, was " + port);
    }
    if (apiKeyCacheTtl.toMillis() < 1) {
      throw new IllegalArgumentException(
          "tracefold.api.api-key-cache-ttl must be at least 1ms, was " + apiKeyCacheTtl);
    }
  }

  /** The defaults: port {@value #DEFAULT_PORT}, a 5 s key cache. */
  public static TraceApiSettings defaults() {
    return new TraceApiSettings(DEFAULT_PORT, DEFAULT_API_KEY_CACHE_TTL);
  }

  /**
   * Reads {@code tracefold.api.http-port} and {@code tracefold.api.api-key-cache-ttl} (environment
   * {@code TRACEFOLD_API_PORT}, {@code TRACEFOLD_API_KEY_CACHE_TTL}).
   *
   * @throws com.typesafe.config.ConfigException if a setting is missing or malformed
   * @throws IllegalArgumentException if a value is out of range
   */
  public static TraceApiSettings from(Config config) {
    return new TraceApiSettings(
        config.getInt("tracefold.api.http-port"),
        Durations.get(config, "tracefold.api.api-key-cache-ttl"));
  }

  /** A copy listening on another port (tests pass 0). */
  public TraceApiSettings withPort(int port) {
    return new TraceApiSettings(port, apiKeyCacheTtl);
  }

  /** A copy with another key cache time. */
  public TraceApiSettings withApiKeyCacheTtl(Duration ttl) {
    return new TraceApiSettings(port, ttl);
  }
}

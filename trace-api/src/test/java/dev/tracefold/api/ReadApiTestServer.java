package dev.tracefold.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.tracefold.auth.ApiKeyAuthService;
import dev.tracefold.auth.ApiKeyAuthenticator;
import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.key.ApiKeySource;
import dev.tracefold.store.key.ApiKeyStore;
import dev.tracefold.store.key.ProjectIds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An embedded PostgreSQL, a {@link TraceStore} on it, and the read API on an ephemeral port behind
 * the real API key check ({@link ApiKeyAuthService}). Requests name a project; the server sends an
 * API key of that project ({@code Authorization: Bearer}), created on first use.
 */
final class ReadApiTestServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final EmbeddedPostgresServer postgres;
  private final StoreSettings settings;
  private final TraceStore store;
  private final Server server;
  private final ApiKeyStore keys;
  private final Map<String, String> keyByProject = new ConcurrentHashMap<>();

  private ReadApiTestServer(
      EmbeddedPostgresServer postgres, StoreSettings settings, TraceStore store, Server server) {
    this.postgres = postgres;
    this.settings = settings;
    this.store = store;
    this.server = server;
    this.keys = store.apiKeys();
  }

  static ReadApiTestServer start(Path dataDir, Clock clock) {
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.builder().dataDir(dataDir).build();
    postgres.start();
    StoreSettings settings =
        new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 4);
    TraceStore store = TraceStore.open(settings);
    return new ReadApiTestServer(postgres, settings, store, serve(store, clock, store.apiKeys()));
  }

  /**
   * The read API over {@code store} on an ephemeral port, behind the API key check against {@code
   * keys}; the caller stops it.
   */
  static Server serve(TraceStore store, Clock clock, ApiKeyStore keys) {
    ServerBuilder builder = Server.builder().http(0);
    new ReadApiService(store, clock).addTo(builder);
    ApiKeyAuthenticator authenticator =
        new ApiKeyAuthenticator(
            keys::verify,
            CommonPools.blockingTaskExecutor(),
            Duration.ofSeconds(10),
            ApiKeyAuthenticator.DEFAULT_MAX_CACHED_KEYS,
            System::nanoTime);
    builder.decorator(
        ApiKeyAuthService.decorator(
            authenticator, ReadApiService::errorFor, new SimpleMeterRegistry()));
    Server server = builder.build();
    server.start().join();
    return server;
  }

  /** Settings of the store (e.g. to open a second one on the same database). */
  StoreSettings settings() {
    return settings;
  }

  TraceStore store() {
    return store;
  }

  Server server() {
    return server;
  }

  /** The key store of the database (e.g. to check keys of a second server). */
  ApiKeyStore keys() {
    return keys;
  }

  /**
   * An API key of {@code project} ({@value ProjectIds#DEFAULT} when null), created on first use;
   * creating it also creates the project.
   */
  String keyFor(String project) {
    return keyByProject.computeIfAbsent(
        project == null ? ProjectIds.DEFAULT : project,
        p -> keys.create(p, ApiKeySource.CLI).key());
  }

  /** A GET with a key of {@code project} ({@value ProjectIds#DEFAULT} when null). */
  Reply get(String path, String project) {
    return send("GET", path, project, null);
  }

  /** A request with an optional JSON body and a key of {@code project} (default when null). */
  Reply send(String method, String path, String project, String jsonBody) {
    return send(server, method, path, keyFor(project), jsonBody);
  }

  /** A request with an optional JSON body and {@code apiKey} (none when null). */
  Reply sendWithKey(String method, String path, String apiKey, String jsonBody) {
    return send(server, method, path, apiKey, jsonBody);
  }

  /**
   * A request to any server on localhost, with {@code Authorization: Bearer apiKey} (none when
   * null).
   */
  static Reply send(Server server, String method, String path, String apiKey, String jsonBody) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + server.activeLocalPort() + path))
            .method(
                method,
                jsonBody == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (jsonBody != null) {
      request.header("content-type", "application/json");
    }
    if (apiKey != null) {
      request.header("authorization", "Bearer " + apiKey);
    }
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      return new Reply(
          response.statusCode(),
          response.headers().firstValue("content-type").orElse(""),
          body.isEmpty() ? null : JSON.readTree(body),
          response.headers().firstValue("retry-after").orElse(null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop().join();
    store.close();
    postgres.close();
  }

  /** A response: status, content type, parsed JSON body (null when empty), Retry-After. */
  record Reply(int status, String contentType, JsonNode json, String retryAfter) {}
}

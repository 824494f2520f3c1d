package dev.tracefold.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;

/** An embedded PostgreSQL, a {@link TraceStore} on it, and the read API on an ephemeral port. */
final class ReadApiTestServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final EmbeddedPostgresServer postgres;
  private final StoreSettings settings;
  private final TraceStore store;
  private final Server server;

  private ReadApiTestServer(
      EmbeddedPostgresServer postgres, StoreSettings settings, TraceStore store, Server server) {
    this.postgres = postgres;
    this.settings = settings;
    this.store = store;
    this.server = server;
  }

  static ReadApiTestServer start(Path dataDir, Clock clock) {
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.builder().dataDir(dataDir).build();
    postgres.start();
    StoreSettings settings =
        new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 4);
    TraceStore store = TraceStore.open(settings);
    return new ReadApiTestServer(postgres, settings, store, serve(store, clock));
  }

  /** The read API over {@code store} on an ephemeral port; the caller stops it. */
  static Server serve(TraceStore store, Clock clock) {
    ServerBuilder builder = Server.builder().http(0);
    new ReadApiService(store, clock).addTo(builder);
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

  /** A GET with the project header (none when project is null). */
  Reply get(String path, String project) {
    return send("GET", path, project, null);
  }

  /** A request with an optional JSON body and project header. */
  Reply send(String method, String path, String project, String jsonBody) {
    return send(server, method, path, project, jsonBody);
  }

  /** A request to any server on localhost. */
  static Reply send(Server server, String method, String path, String project, String jsonBody) {
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
    if (project != null) {
      request.header("x-tracefold-project", project);
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

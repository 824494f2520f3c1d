package dev.tracefold.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * GET requests to the read API with {@code Authorization: Bearer <key>}, through one java.net.http
 * client (HTTP/1.1). As a {@link ClosedLoop.Request} it sends a {@link ReadQuery}'s requests; a
 * request is ok when answered 200. Thread-safe.
 */
final class ReadApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final String base;
  private final String apiKey;

  /**
   * @param port the read API's port on localhost
   * @param apiKey the key sent as bearer token
   */
  ReadApiClient(int port, String apiKey) {
    this.base = "http://localhost:" + port;
    this.apiKey = apiKey;
  }

  /**
   * One GET, its body parsed.
   *
   * @throws IllegalStateException if the answer is not 200
   */
  JsonNode json(String path) {
    try {
      HttpResponse<String> response =
          http.send(request(path), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "GET " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /**
   * The closed-loop requests of {@code query} for {@code clients} clients: client c's request
   * number s is the query's request number {@link ReadQuery#requestNumber}, so the clients together
   * rotate through every value of a rotating query. The body is read in full and dropped.
   */
  ClosedLoop.Request requests(ReadQuery query, int clients) {
    return (client, sequence) -> {
      HttpResponse<byte[]> response =
          http.send(
              request(query.path().apply(ReadQuery.requestNumber(client, sequence, clients))),
              HttpResponse.BodyHandlers.ofByteArray());
      return response.statusCode() == 200
          ? ClosedLoop.Outcome.ok(1)
          : ClosedLoop.Outcome.failed(
              "HTTP "
                  + response.statusCode()
                  + ": "
                  + new String(response.body(), StandardCharsets.UTF_8));
    };
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + apiKey)
        .GET()
        .build();
  }
}

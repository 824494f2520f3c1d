package dev.tracefold.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The two read API calls the evaluator makes (read a trace, write a score), over HTTP with {@code
 * Authorization: Bearer <key>}. Thread-safe.
 */
final class TracefoldApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI baseUri;
  private final String apiKey;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();

  /**
   * @param baseUri the read API, e.g. {@code http://localhost:8080}
   * @param apiKey a key of the project whose triggers are read
   */
  TracefoldApi(URI baseUri, String apiKey) {
    this.baseUri = baseUri;
    this.apiKey = apiKey;
  }

  /**
   * {@code GET <apiPath>} (the trigger's {@code apiPath}, e.g. {@code /api/v1/traces/<id>}).
   *
   * @throws IOException if the request fails or the API answers other than 200
   */
  JsonNode getTrace(String apiPath) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(baseUri.resolve(apiPath))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + apiKey)
            .GET()
            .build();
    return JSON.readTree(send(request, 200));
  }

  /**
   * {@code POST /api/v1/traces/<traceId>/scores} with the score's fields ({@code evaluator}, {@code
   * trigger_id}, {@code passed}, {@code value}, {@code label}, {@code reason}, ...).
   *
   * @return true when the score was stored now (201), false when the evaluator had answered the
   *     trigger already (200: the API keeps the first score, nothing changed)
   * @throws IOException if the request fails or the API answers other than 201 or 200
   */
  boolean score(String traceId, Map<String, Object> score) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(baseUri.resolve("/api/v1/traces/" + traceId + "/scores"))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(score)))
            .build();
    return send(request, 201, 200).statusCode() == 201;
  }

  private String send(HttpRequest request, int expectedStatus) throws IOException {
    return send(request, expectedStatus, expectedStatus).body();
  }

  private HttpResponse<String> send(HttpRequest request, int expectedStatus, int otherStatus)
      throws IOException {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted: " + request.uri(), e);
    }
    if (response.statusCode() != expectedStatus && response.statusCode() != otherStatus) {
      throw new IOException(
          request.method()
              + " "
              + request.uri()
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return response;
  }
}

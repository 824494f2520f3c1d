package dev.tracefold.bench;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * {@link GatewayBench}'s requests: {@code POST /v1/traces}, {@code application/x-protobuf},
 * uncompressed, {@code Authorization: Bearer <key>}, through one java.net.http client (HTTP/1.1, a
 * connection per concurrent client). A request is ok when answered 200 without rejected spans; it
 * then counts its spans. Thread-safe.
 */
final class OtlpHttpLoad implements ClosedLoop.Request {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final URI uri;
  private final String apiKey;
  private final List<byte[]> requests;
  private final int spansPerRequest;

  /**
   * @param uri the gateway's {@code /v1/traces}
   * @param apiKey the key sent as bearer token
   * @param requests encoded {@code ExportTraceServiceRequest}s, cycled through
   * @param spansPerRequest spans in each of them
   */
  OtlpHttpLoad(URI uri, String apiKey, List<byte[]> requests, int spansPerRequest) {
    this.uri = uri;
    this.apiKey = apiKey;
    this.requests = requests;
    this.spansPerRequest = spansPerRequest;
  }

  /** The status of one request without an API key (authentication on: 401). */
  int statusWithoutKey() {
    try {
      return http.send(post(requests.get(0)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  @Override
  public ClosedLoop.Outcome send(int client, long sequence) throws Exception {
    byte[] body = requests.get((int) ((client * 7L + sequence) % requests.size()));
    HttpResponse<byte[]> response =
        http.send(
            post(body).header("Authorization", "Bearer " + apiKey).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      String text = new String(response.body(), StandardCharsets.UTF_8);
      return ClosedLoop.Outcome.failed(
          "HTTP " + response.statusCode() + ": " + text.substring(0, Math.min(200, text.length())));
    }
    ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(response.body());
    long rejected = answer.getPartialSuccess().getRejectedSpans();
    if (rejected > 0) {
      return ClosedLoop.Outcome.failed(
          rejected + " spans rejected: " + answer.getPartialSuccess().getErrorMessage());
    }
    return ClosedLoop.Outcome.ok(spansPerRequest);
  }

  private HttpRequest.Builder post(byte[] body) {
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }
}

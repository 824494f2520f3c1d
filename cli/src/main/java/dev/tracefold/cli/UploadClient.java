package dev.tracefold.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefold.cli.UploadResult.Problem;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Sends one file to {@code POST /api/v1/traces/upload} as the raw request body ({@code
 * application/json} for {@code .json}, {@code application/x-ndjson} for {@code .jsonl} / {@code
 * .ndjson}) and reads the gateway's answer. Thread-safe (one {@link HttpClient} shared).
 */
final class UploadClient {
  /** Upload path under the base URL. */
  static final String UPLOAD_PATH = "/api/v1/traces/upload";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI uploadUri;
  private final String apiKey;
  private final Duration timeout;

  /**
   * @param http the client
   * @param baseUrl the gateway's API base URL, e.g. {@code http://localhost:8080}
   * @param apiKey sent as {@code Authorization: Bearer}; the gateway answers 401 without one
   * @param timeout how long to wait for each answer
   */
  UploadClient(HttpClient http, URI baseUrl, String apiKey, Duration timeout) {
    this.http = Objects.requireNonNull(http, "http");
    String base = baseUrl.toString();
    this.uploadUri =
        URI.create(
            (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + UPLOAD_PATH);
    this.apiKey = blankToNull(apiKey);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Uploads one file.
   *
   * @param file the file
   * @param progress told how many bytes were read for sending, as they are
   * @return the answer; {@link UploadResult#failure()} says why when the file was not processed
   */
  UploadResult upload(Path file, LongConsumer progress) {
    String contentType = contentType(file);
    if (contentType == null) {
      return UploadResult.failed(
          "name the file .json (one trace or an array) or .jsonl (one trace per line)");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      return UploadResult.failed("cannot read the file");
    }
    HttpResponse<String> response;
    try {
      long size = Files.size(file);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uploadUri)
              .timeout(timeout)
              .header("Content-Type", contentType)
              .POST(
                  HttpRequest.BodyPublishers.fromPublisher(
                      HttpRequest.BodyPublishers.ofInputStream(() -> open(file, progress)), size));
      if (apiKey != null) {
        request.header("Authorization", "Bearer " + apiKey);
      }
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | UncheckedIOException e) {
      String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      return UploadResult.failed("cannot send it to " + uploadUri + ": " + why);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return UploadResult.failed("interrupted");
    }
    return parse(response);
  }

  private static UploadResult parse(HttpResponse<String> response) {
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      body = null;
    }
    boolean processed =
        body != null
            && body.has("trace_ids")
            && (response.statusCode() == 200 || response.statusCode() == 400);
    if (!processed) {
      String message =
          body != null && body.hasNonNull("error") ? body.get("error").asText() : response.body();
      return UploadResult.failed("HTTP " + response.statusCode() + ": " + message);
    }
    List<String> ids = new ArrayList<>();
    body.get("trace_ids").forEach(id -> ids.add(id.asText()));
    List<Problem> problems = new ArrayList<>();
    body.path("errors")
        .forEach(
            error ->
                problems.add(
                    new Problem(
                        error.path("line").asInt(),
                        error.path("pointer").asText(),
                        error.path("rule").asText(),
                        error.path("message").asText())));
    return new UploadResult(
        null,
        ids,
        body.path("accepted_spans").asInt(),
        problems,
        body.path("error_count").asInt(problems.size()));
  }

  private static InputStream open(Path file, LongConsumer progress) {
    try {
      return new CountingInputStream(Files.newInputStream(file), progress);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The content type a file's name stands for; null when it tells nothing. */
  static String contentType(Path file) {
    String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      return "application/x-ndjson";
    }
    return name.endsWith(".json") ? "application/json" : null;
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  /** Reports the bytes read through it. */
  private static final class CountingInputStream extends FilterInputStream {
    private final LongConsumer progress;

    CountingInputStream(InputStream in, LongConsumer progress) {
      super(in);
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        progress.accept(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int read = super.read(buffer, offset, length);
      if (read > 0) {
        progress.accept(read);
      }
      return read;
    }
  }
}

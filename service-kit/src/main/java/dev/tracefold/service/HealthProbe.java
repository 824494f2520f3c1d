package dev.tracefold.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A container health check for images without a shell or curl: {@code java -cp '/app/libs/*'
 * dev.tracefold.service.HealthProbe http://localhost:8080/health} exits 0 when the URL answers 200
 * within 5 s, and 1 otherwise (503 from {@code /health} when a dependency is down, connection
 * refused, timeout, or a missing or invalid URL). It prints nothing: container runtimes keep the
 * exit code, and {@code /health} itself holds the details.
 */
public final class HealthProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private HealthProbe() {}

  /** Entry point: one argument, the health URL. */
  public static void main(String[] args) {
    System.exit(args.length == 1 && healthy(args[0]) ? 0 : 1);
  }

  /** True when {@code url} answers {@code GET} with 200 within 5 s. */
  static boolean healthy(String url) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build();
      return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

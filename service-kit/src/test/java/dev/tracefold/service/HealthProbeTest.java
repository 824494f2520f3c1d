package dev.tracefold.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HealthProbeTest {
  @Test
  void healthyOnlyWhenTheUrlAnswers200() throws IOException {
    // the JDK's own server: starts in milliseconds
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/up",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.createContext(
        "/down",
        exchange -> {
          exchange.sendResponseHeaders(503, -1);
          exchange.close();
        });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    try {
      assertThat(HealthProbe.healthy(base + "/up")).isTrue();
      assertThat(HealthProbe.healthy(base + "/down")).isFalse();
      assertThat(HealthProbe.healthy("not a url")).isFalse();
    } finally {
      server.stop(0);
    }
    assertThat(HealthProbe.healthy(base + "/up")).as("connection refused").isFalse();
  }
}

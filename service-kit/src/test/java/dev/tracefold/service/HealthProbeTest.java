package dev.tracefold.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthProbeTest {
  private Server server;

  @BeforeEach
  void start() {
    server =
        Server.builder()
            .http(0)
            .service("/up", (ctx, req) -> HttpResponse.of(HttpStatus.OK))
            .service("/down", (ctx, req) -> HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE))
            .build();
    server.start().join();
  }

  @AfterEach
  void stop() {
    server.stop().join();
  }

  @Test
  void healthyOnlyWhenTheUrlAnswers200() {
    String base = "http://localhost:" + server.activeLocalPort();
    assertThat(HealthProbe.healthy(base + "/up")).isTrue();
    assertThat(HealthProbe.healthy(base + "/down")).isFalse();
    assertThat(HealthProbe.healthy("not a url")).isFalse();
    server.stop().join();
    assertThat(HealthProbe.healthy(base + "/up")).as("connection refused").isFalse();
  }
}

package dev.tracefold.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.service.HealthCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * The gateway's {@code kafka} health check after a failed produce, with a real producer whose
 * bootstrap address has no broker.
 */
class SpanIngesterHealthTest {
  @Test
  void aFailedProduceKeepsTheCheckDownForTheHoldThenDefersToTheClusterCheck() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + closedPort);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300);
    ExecutorService sends = Executors.newSingleThreadExecutor();
    try (KafkaProducer<String, Span> producer =
        new KafkaProducer<>(
            config, Topics.SPANS.keySerde().serializer(), Topics.SPANS.valueSerde().serializer())) {
      IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry());
      SpanIngester ingester =
          new SpanIngester(
              producer, Duration.ofMillis(500), metrics, sends, clock, IngestLimits.defaults());
      assertThat(ingester.health()).isEqualTo(HealthCheck.Result.up("no spans produced yet"));

      NormalizedBatch batch = new NormalizedBatch(List.of(span()), List.of());
      assertThatThrownBy(
              () -> ingester.ingest(metrics.forTransport("otlp-http-protobuf"), batch).join())
          .hasCauseInstanceOf(IngestUnavailableException.class);

      HealthCheck.Result down = ingester.health();
      assertThat(down.healthy()).isFalse();
      assertThat(down.detail()).startsWith("last produce failed at 2026-11-22T10:00:00Z");

      clock.advance(SpanIngester.FAILURE_HOLD.minusSeconds(1));
      assertThat(ingester.health().healthy()).isFalse();

      clock.advance(Duration.ofSeconds(1));
      HealthCheck.Result up = ingester.health();
      assertThat(up.healthy()).isTrue();
      assertThat(up.detail())
          .startsWith("no produce since the one that failed at 2026-11-22T10:00:00Z")
          .endsWith("kafka-cluster tells whether the cluster answers");
    } finally {
      sends.shutdownNow();
    }
  }

  private static Span span() {
    return Span.newBuilder()
        .setProjectId("p1")
        .setTraceId("0af7651916cd43dd8448eb211c80319c")
        .setSpanId("b7ad6b7169203331")
        .setName("agent")
        .setKind(SpanKind.AGENT)
        .setStartEpochNanos(1L)
        .setEndEpochNanos(2L)
        .setStatus(SpanStatus.OK)
        .build();
  }

  /** A clock the test moves by hand. */
  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}

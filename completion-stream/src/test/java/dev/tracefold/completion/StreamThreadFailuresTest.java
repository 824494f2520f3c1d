package dev.tracefold.completion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.service.HealthCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Issue #12: a stream thread that fails again and again (its replacement fails on the same record)
 * made no difference to {@code /health}, which said UP while Kafka Streams was RUNNING.
 */
class StreamThreadFailuresTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-03T10:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final StreamThreadFailures failures = new StreamThreadFailures(registry, clock);

  @Test
  void oneReplacedThreadStaysHealthyRepeatedFailuresAreDownAndCounted() {
    failures.failed(new RecordTooLargeException("x".repeat(5_000)));
    assertThat(CompletionStream.health(KafkaStreams.State.RUNNING, failures.failing()).healthy())
        .isTrue();

    now.set(now.get().plusSeconds(30));
    failures.failed(new RecordTooLargeException("The message is 9437184 bytes"));

    HealthCheck.Result result =
        CompletionStream.health(KafkaStreams.State.RUNNING, failures.failing());
    assertThat(result.healthy()).isFalse();
    assertThat(result.detail())
        .contains("failed 2 times")
        .contains("RecordTooLargeException: The message is 9437184 bytes")
        .hasSizeLessThan(500);
    assertThat(registry.counter("tracefold.completion.thread.failures").count()).isEqualTo(2);
  }

  @Test
  void failuresOlderThanTheWindowAreForgotten() {
    failures.failed(new IllegalStateException("one"));
    failures.failed(new IllegalStateException("two"));
    assertThat(failures.failing()).isNotNull();

    now.set(now.get().plus(StreamThreadFailures.FAILING_WINDOW).plus(Duration.ofSeconds(1)));

    assertThat(failures.failing()).isNull();
    assertThat(CompletionStream.health(KafkaStreams.State.ERROR, null).healthy()).isFalse();
  }
}

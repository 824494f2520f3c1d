package dev.tracefold.completion;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.topic.SpanHeaders;
import dev.tracefold.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The completion topology in a {@link TopologyTestDriver}: spans are piped as the gateway produces
 * them (with {@link SpanHeaders}) and timestamped with the driver's wall clock (their ingest time)
 * unless a test gives another; {@link #advance} moves the wall clock and runs the punctuator.
 */
abstract class CompletionTopologyTestBase {
  static final Duration WINDOW = Duration.ofMinutes(5);
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  static final String TRACE_A = "0af7651916cd43dd8448eb211c80319c";
  static final String TRACE_B = "1bf7651916cd43dd8448eb211c80319d";

  @TempDir Path stateDir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  TopologyTestDriver driver;
  TestInputTopic<String, Span> spans;
  TestOutputTopic<String, CompletedTrace> completed;

  /** The driver's wall clock: records are piped with it as their timestamp (ingest time). */
  Instant now = T0;

  /**
   * Whether tasks count as caught up with their input (the driver hands them every record at once,
   * so they are, unless a test plays a stream that runs behind its input).
   */
  boolean caughtUp = true;

  CompletionSettings settings(Map<String, Duration> perProject, int maxSpans, long maxBytes) {
    return settings(perProject, maxSpans, maxBytes, Duration.ZERO);
  }

  CompletionSettings settings(
      Map<String, Duration> perProject, int maxSpans, long maxBytes, Duration grace) {
    return new CompletionSettings(
        WINDOW,
        perProject,
        RootAwareSettings.OFF,
        Duration.ofSeconds(1),
        Duration.ofMillis(250),
        grace,
        Duration.ofHours(1),
        maxSpans,
        maxBytes,
        Duration.ofHours(24),
        Duration.ofDays(7),
        "completion-test",
        stateDir,
        1,
        Duration.ofMillis(100),
        10L << 20,
        64L << 20,
        0);
  }

  void start(CompletionSettings settings) {
    driver =
        new TopologyTestDriver(
            CompletionTopology.build(
                settings,
                new CompletionMetrics(registry),
                (partition, position) ->
                    caughtUp
                        ? InputProgress.SYNCHRONOUS.caughtUpAtMillis(partition, position)
                        : Long.MIN_VALUE),
            CompletionStream.properties(
                settings,
                new dev.tracefold.service.KafkaSettings("unused:9092", 1, (short) 1, 1 << 20)),
            T0);
    spans =
        driver.createInputTopic(
            Topics.SPANS.name(),
            Serdes.String().serializer(),
            Topics.SPANS.valueSerde().serializer());
    completed =
        driver.createOutputTopic(
            Topics.COMPLETED_TRACES.name(),
            Serdes.String().deserializer(),
            Topics.COMPLETED_TRACES.valueSerde().deserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  static Span span(String project, String trace, String spanId, String parent, long startNanos) {
    return Span.newBuilder()
        .setProjectId(project)
        .setTraceId(trace)
        .setSpanId(spanId)
        .setParentSpanId(parent)
        .setName("op-" + spanId)
        .setKind(SpanKind.OTHER)
        .setStartEpochNanos(startNanos)
        .setEndEpochNanos(startNanos + 1_000)
        .setStatus(SpanStatus.UNSET)
        .build();
  }

  /** Sends a span as the gateway does (with its headers), accepted by Kafka now. */
  void send(Span span) {
    send(span, now);
  }

  /** Sends a span as the gateway does, accepted by Kafka at {@code ingestTime}. */
  void send(Span span, Instant ingestTime) {
    spans.pipeInput(
        new TestRecord<>(
            span.getProjectId() + "/" + span.getTraceId(), span, SpanHeaders.of(span), ingestTime));
  }

  void advance(Duration duration) {
    now = now.plus(duration);
    driver.advanceWallClockTime(duration);
  }
}

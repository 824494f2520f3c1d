package dev.tracefold.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracefold.embedded.EmbeddedKafkaBroker;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across failures on a real broker: a completion-stream process killed with SIGKILL
 * mid-run and replaced (on its state directory, and on an empty one restoring from the changelog),
 * and two instances sharing the partitions with one stopped mid-run. In every case each trace
 * revision is emitted exactly once, with every span.
 */
class CompletionFailoverIT {
  private static final Duration WINDOW = Duration.ofSeconds(3);
  @TempDir static Path brokerDir;
  @TempDir Path work;
  private static EmbeddedKafkaBroker broker;
  private static KafkaSettings kafka;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().dataDir(brokerDir).build();
    broker.start();
    kafka = new KafkaSettings(broker.bootstrapServers(), 3, (short) 1, 8 << 20);
    TopicProvisioner.ensureTopics(kafka);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void aKilledProcessReplacedOnItsStateDirectoryEmitsEachRevisionOnce() throws Exception {
    killAndReplace("kill-same", true);
  }

  @Test
  void aKilledProcessReplacedOnAnEmptyStateDirectoryRestoresAndEmitsEachRevisionOnce()
      throws Exception {
    killAndReplace("kill-empty", false);
  }

  private void killAndReplace(String project, boolean sameStateDir) throws Exception {
    String applicationId = "failover-" + project;
    Path firstState = work.resolve("state-1");
    Path secondState = sameStateDir ? firstState : work.resolve("state-2");
    Map<String, Integer> expectedSpans = new HashMap<>();

    Process first = startChild(applicationId, firstState, work.resolve("first.log"));
    try {
      // wave 1: completes while the first process runs
      produce(traces(project, 0, 10, 2), expectedSpans);
      await().atMost(Duration.ofSeconds(60)).until(() -> countCompleted(project) >= 10);
      // wave 2: buffered (and partly a second revision of wave 1) when the process dies
      produce(traces(project, 10, 20, 3), expectedSpans);
      produce(lateSpans(project, 0, 5), expectedSpans);
    } finally {
      first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no commit
    }
    Process second = startChild(applicationId, secondState, work.resolve("second.log"));
    try {
      produce(traces(project, 20, 25, 1), expectedSpans);
      List<CompletedTrace> completed = readCompleted(project, 25 + 5);
      assertExactlyOncePerRevision(completed, expectedSpans);
    } finally {
      second.destroy();
      second.waitFor();
    }
  }

  @Test
  void twoInstancesShareThePartitionsAndOneStopsMidRun() throws Exception {
    String project = "pair";
    Map<String, Integer> expectedSpans = new HashMap<>();
    CompletionSettings settings =
        new CompletionSettings(
            WINDOW,
            Map.of(),
            RootAwareSettings.OFF,
            Duration.ofMillis(100),
            Duration.ofMillis(100),
            Duration.ofMillis(100),
            Duration.ofHours(1),
            10_000,
            5 << 20,
            Duration.ofHours(24),
            Duration.ofDays(7),
            "failover-pair",
            work.resolve("a"),
            1,
            Duration.ofMillis(100),
            10L << 20,
            64L << 20,
            0);
    CompletionStream a =
        CompletionStream.start(settings, kafka, new SimpleMeterRegistry(), Duration.ofSeconds(60));
    try (CompletionStream b =
        CompletionStream.start(
            settings.withStateDir(work.resolve("b")),
            kafka,
            new SimpleMeterRegistry(),
            Duration.ofSeconds(60))) {
      produce(traces(project, 0, 30, 2), expectedSpans);
      await().atMost(Duration.ofSeconds(60)).until(() -> countCompleted(project) >= 30);
      produce(traces(project, 30, 60, 2), expectedSpans);
      a.close(); // mid-run: its buffered traces move to b
      produce(traces(project, 60, 70, 2), expectedSpans);
      assertExactlyOncePerRevision(readCompleted(project, 70), expectedSpans);
    } finally {
      a.close();
    }
  }

  private static void assertExactlyOncePerRevision(
      List<CompletedTrace> completed, Map<String, Integer> expectedSpans) {
    Map<String, Long> perRevision =
        completed.stream()
            .collect(
                Collectors.groupingBy(
                    t -> t.getTraceId() + "#" + t.getRevision(), Collectors.counting()));
    assertThat(perRevision.values()).as("emissions per trace revision").containsOnly(1L);
    Map<String, CompletedTrace> latest =
        completed.stream()
            .collect(
                Collectors.toMap(
                    CompletedTrace::getTraceId,
                    Function.identity(),
                    (x, y) -> x.getRevision() > y.getRevision() ? x : y));
    assertThat(latest.keySet()).isEqualTo(expectedSpans.keySet());
    latest.forEach(
        (traceId, trace) ->
            assertThat(trace.getSpans())
                .as("spans of %s revision %d", traceId, trace.getRevision())
                .hasSize(expectedSpans.get(traceId)));
  }

  private Process startChild(String applicationId, Path stateDir, Path log) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            CompletionStreamMain.class.getName());
    builder
        .environment()
        .putAll(
            Map.of(
                "TRACEFOLD_KAFKA_BOOTSTRAP_SERVERS",
                broker.bootstrapServers(),
                "TRACEFOLD_KAFKA_PARTITIONS",
                "3",
                "TRACEFOLD_COMPLETION_APPLICATION_ID",
                applicationId,
                "TRACEFOLD_COMPLETION_STATE_DIR",
                stateDir.toString(),
                "TRACEFOLD_COMPLETION_QUIET_WINDOW",
                WINDOW.toMillis() + "ms",
                "TRACEFOLD_COMPLETION_PUNCTUATION_INTERVAL",
                "100ms",
                "TRACEFOLD_COMPLETION_OPS_PORT",
                "0"));
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    "completion-stream process exited: " + Files.readString(log));
              }
              return Files.exists(log)
                  && Files.readString(log).contains("Completion stream RUNNING");
            });
    return process;
  }

  private static List<Span> traces(String project, int from, int to, int spansEach) {
    List<Span> spans = new ArrayList<>();
    for (int t = from; t < to; t++) {
      for (int s = 1; s <= spansEach; s++) {
        spans.add(span(project, t, s));
      }
    }
    return spans;
  }

  /** One new span (id 9) for each trace in [from, to): late after their first completion. */
  private static List<Span> lateSpans(String project, int from, int to) {
    List<Span> spans = new ArrayList<>();
    for (int t = from; t < to; t++) {
      spans.add(span(project, t, 9));
    }
    return spans;
  }

  private static Span span(String project, int trace, int span) {
    return Span.newBuilder()
        .setProjectId(project)
        .setTraceId(String.format("%032x", trace + 1))
        .setSpanId(String.format("%016x", span))
        .setParentSpanId(span == 1 ? null : String.format("%016x", 1))
        .setName("step " + span)
        .setKind(SpanKind.OTHER)
        .setStartEpochNanos(1_000L * span)
        .setEndEpochNanos(1_000L * span + 500)
        .setStatus(SpanStatus.OK)
        .build();
  }

  private static void produce(List<Span> spans, Map<String, Integer> expectedSpans)
      throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, Span> producer =
        new KafkaProducer<>(
            props, Topics.SPANS.keySerde().serializer(), Topics.SPANS.valueSerde().serializer())) {
      for (Span span : spans) {
        producer.send(
            new ProducerRecord<>(
                Topics.SPANS.name(), span.getProjectId() + "/" + span.getTraceId(), span));
        expectedSpans.merge(span.getTraceId(), 1, Integer::sum);
      }
      producer.flush();
    }
  }

  private static long countCompleted(String project) {
    try (KafkaConsumer<String, CompletedTrace> consumer =
        CompletedTopicConsumer.subscribed(broker.bootstrapServers(), "failover-")) {
      long count = 0;
      for (int i = 0; i < 10; i++) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value().getProjectId().equals(project)) {
            count++;
          }
        }
      }
      return count;
    }
  }

  /**
   * Reads until {@code expected} revisions of {@code project} arrived, then a quiet window more for
   * any duplicate.
   */
  private static List<CompletedTrace> readCompleted(String project, int expected) {
    List<CompletedTrace> traces = new ArrayList<>();
    try (KafkaConsumer<String, CompletedTrace> consumer =
        CompletedTopicConsumer.subscribed(broker.bootstrapServers(), "failover-")) {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(
                        r -> {
                          if (r.value().getProjectId().equals(project)) {
                            traces.add(r.value());
                          }
                        });
                return traces.size() >= expected;
              });
      long until = System.currentTimeMillis() + 2 * WINDOW.toMillis();
      while (System.currentTimeMillis() < until) {
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(
                r -> {
                  if (r.value().getProjectId().equals(project)) {
                    traces.add(r.value());
                  }
                });
      }
    }
    return traces;
  }
}

package dev.tracefold.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracefold.embedded.EmbeddedKafkaBroker;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.topic.SpanHeaders;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion stream against a real in-process KRaft broker, with exactly_once_v2. */
class CompletionStreamIT {
  @TempDir static Path brokerDir;
  @TempDir Path stateDir;
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

  private CompletionSettings settings(String applicationId, Path dir) {
    return settings(applicationId, dir, Duration.ofMillis(100));
  }

  private CompletionSettings settings(String applicationId, Path dir, Duration commitInterval) {
    return new CompletionSettings(
        Duration.ofSeconds(2),
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
        applicationId,
        dir,
        1,
        commitInterval,
        10L << 20,
        64L << 20,
        0);
  }

  private static Span span(String project, String traceId, String spanId) {
    return Span.newBuilder()
        .setProjectId(project)
        .setTraceId(traceId)
        .setSpanId(spanId)
        .setName("op " + spanId)
        .setKind(SpanKind.OTHER)
        .setStartEpochNanos(1_000)
        .setEndEpochNanos(2_000)
        .setStatus(SpanStatus.OK)
        .build();
  }

  private static void produce(List<Span> spans) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, Span> producer =
        new KafkaProducer<>(
            props, Topics.SPANS.keySerde().serializer(), Topics.SPANS.valueSerde().serializer())) {
      for (Span span : spans) {
        producer
            .send(
                new ProducerRecord<>(
                    Topics.SPANS.name(), span.getProjectId() + "/" + span.getTraceId(), span))
            .get();
      }
    }
  }

  /**
   * Reads completed traces for {@code project} until {@code expected} arrived, then a little longer
   * for extras.
   */
  private static List<CompletedTrace> readCompleted(String project, int expected) {
    List<CompletedTrace> traces = new ArrayList<>();
    try (KafkaConsumer<String, CompletedTrace> consumer =
        CompletedTopicConsumer.subscribed(broker.bootstrapServers(), "it-")) {
      await()
          .atMost(Duration.ofSeconds(60))
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
      long quietUntil = System.currentTimeMillis() + 3_000;
      while (System.currentTimeMillis() < quietUntil) {
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

  @Test
  void completesEveryTraceExactlyOnceOnARealBroker() throws Exception {
    List<Span> spans = new ArrayList<>();
    for (int t = 0; t < 20; t++) {
      String traceId = String.format("%032x", t + 1);
      for (int s = 0; s < 3; s++) {
        spans.add(span("once", traceId, String.format("%016x", s + 1)));
      }
    }
    spans.add(spans.get(0)); // a producer retry: the same span id again
    try (CompletionStream stream =
        CompletionStream.start(
            settings("it-once", stateDir),
            kafka,
            new SimpleMeterRegistry(),
            Duration.ofSeconds(60))) {
      produce(spans);
      List<CompletedTrace> completed = readCompleted("once", 20);
      assertThat(completed).hasSize(20);
      assertThat(completed)
          .allSatisfy(
              trace -> {
                assertThat(trace.getRevision()).isEqualTo(1);
                assertThat(trace.getSpans()).hasSize(3);
              });
      assertThat(completed).extracting(CompletedTrace::getTraceId).doesNotHaveDuplicates();
    }
  }

  @Test
  void aCompletedTraceIsCommittedAtOnceNotAfterTheCommitInterval() throws Exception {
    Duration commitInterval = CompletionSettings.MAX_COMMIT_INTERVAL;
    Map<String, Long> visibleAfterMillis = new java.util.concurrent.ConcurrentHashMap<>();
    try (CompletionStream stream =
            CompletionStream.start(
                settings("it-commit", stateDir, commitInterval),
                kafka,
                new SimpleMeterRegistry(),
                Duration.ofSeconds(60));
        KafkaConsumer<String, CompletedTrace> consumer =
            CompletedTopicConsumer.subscribed(broker.bootstrapServers(), "it-")) {
      // six traces completing a second apart: with a commit only every 5 s, most of them would
      // wait seconds for it
      for (int t = 0; t < 6; t++) {
        produce(List.of(span("commit", String.format("%032x", 0xc000 + t), "0000000000000001")));
        long nextAtMillis = System.currentTimeMillis() + 1_000;
        while (System.currentTimeMillis() < nextAtMillis) {
          recordVisibility(consumer, "commit", visibleAfterMillis);
        }
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                recordVisibility(consumer, "commit", visibleAfterMillis);
                return visibleAfterMillis.size() == 6;
              });
    }

    assertThat(visibleAfterMillis.values())
        .as("read_committed sees each revision soon after it was emitted, not at the next commit")
        .allSatisfy(millis -> assertThat(millis).isLessThan(2_000L));
  }

  /** Polls once; notes for each new trace of {@code project} how long after its emission. */
  private static void recordVisibility(
      KafkaConsumer<String, CompletedTrace> consumer, String project, Map<String, Long> into) {
    consumer
        .poll(Duration.ofMillis(50))
        .forEach(
            r -> {
              if (r.value().getProjectId().equals(project)) {
                into.putIfAbsent(
                    r.value().getTraceId(),
                    System.currentTimeMillis() - r.value().getCompletedEpochMillis());
              }
            });
  }

  @Test
  void bufferedTracesSurviveARestartOnAnEmptyStateDirectoryRestoredFromTheChangelog()
      throws Exception {
    String traceId = "0000000000000000000000000000abcd";
    Path firstDir = stateDir.resolve("first");
    try (CompletionStream stream =
        CompletionStream.start(
            settings("it-restore", firstDir),
            kafka,
            new SimpleMeterRegistry(),
            Duration.ofSeconds(60))) {
      produce(
          List.of(
              span("restore", traceId, "0000000000000001"),
              span("restore", traceId, "0000000000000002")));
      // wait until the stream has taken the spans into its state (committed under EOS)
      await().atMost(Duration.ofSeconds(30)).until(() -> consumedAll("it-restore"));
      stream.close();
    }
    assertThat(readCompleted("restore", 0)).as("closed before the quiet window ran out").isEmpty();
    try (CompletionStream restarted =
        CompletionStream.start(
            settings("it-restore", stateDir.resolve("second")),
            kafka,
            new SimpleMeterRegistry(),
            Duration.ofSeconds(60))) {
      List<CompletedTrace> completed = readCompleted("restore", 1);
      assertThat(completed).hasSize(1);
      assertThat(completed.get(0).getSpans())
          .extracting(Span::getSpanId)
          .containsExactly("0000000000000001", "0000000000000002");
    }
  }

  @Test
  void aCleanRestartKeepsBufferedTracesAndTheirOriginalDeadline() throws Exception {
    String traceId = "0000000000000000000000000000dead";
    Duration window = Duration.ofSeconds(8);
    CompletionSettings settings = settings("it-restart", stateDir).withQuietWindow(window);
    try (CompletionStream stream =
        CompletionStream.start(
            settings, kafka, new SimpleMeterRegistry(), Duration.ofSeconds(60))) {
      produce(List.of(span("restart", traceId, "0000000000000001")));
      await().atMost(Duration.ofSeconds(30)).until(() -> consumedAll("it-restart"));
    }
    long restartEpochMillis = System.currentTimeMillis();
    try (CompletionStream restarted =
        CompletionStream.start(
            settings, kafka, new SimpleMeterRegistry(), Duration.ofSeconds(60))) {
      List<CompletedTrace> completed = readCompleted("restart", 1);
      assertThat(completed).hasSize(1);
      CompletedTrace trace = completed.get(0);
      assertThat(trace.getCompletedEpochMillis())
          .as("not before the quiet window after the last span")
          .isGreaterThanOrEqualTo(trace.getLastArrivalEpochMillis() + window.toMillis())
          .as("on the original schedule, not a window after the restart")
          .isLessThan(restartEpochMillis + window.toMillis());
    }
  }

  @Test
  void aStreamStartedAfterItsInputDecidesOnIngestTime() throws Exception {
    // the stream is not running while the spans arrive; afterwards it must reach the decisions it
    // would have reached in real time: A never paused for a quiet window (one revision), B did
    // (two revisions), C is a single span
    Duration window = Duration.ofSeconds(3);
    String a = "000000000000000000000000000000a0";
    String b = "000000000000000000000000000000b0";
    String c = "000000000000000000000000000000c0";
    Map<String, List<Long>> ingestTimes = new java.util.TreeMap<>();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, Span> producer =
        new KafkaProducer<>(
            props, Topics.SPANS.keySerde().serializer(), Topics.SPANS.valueSerde().serializer())) {
      long start = System.currentTimeMillis();
      Object[][] plan = {
        {0L, a, 1},
        {0L, b, 1},
        {0L, c, 1},
        {1_000L, a, 2},
        {2_000L, a, 3},
        {3_000L, a, 4},
        {4_500L, b, 2}
      };
      for (Object[] step : plan) {
        long due = start + (Long) step[0];
        while (System.currentTimeMillis() < due) {
          Thread.sleep(Math.max(1, due - System.currentTimeMillis()));
        }
        Span span = span("stopped", (String) step[1], String.format("%016x", (Integer) step[2]));
        var metadata =
            producer
                .send(
                    new ProducerRecord<>(
                        Topics.SPANS.name(),
                        null,
                        span.getProjectId() + "/" + span.getTraceId(),
                        span,
                        SpanHeaders.of(span)))
                .get();
        ingestTimes
            .computeIfAbsent(span.getTraceId(), k -> new ArrayList<>())
            .add(metadata.timestamp());
      }
    }
    // the revisions the ingest times call for: a new one after every gap of a quiet window or more
    Map<String, List<Integer>> expected = new java.util.TreeMap<>();
    ingestTimes.forEach(
        (trace, times) -> {
          List<Integer> spanCounts = new ArrayList<>();
          for (int i = 0; i < times.size(); i++) {
            if (i > 0 && times.get(i) - times.get(i - 1) < window.toMillis()) {
              spanCounts.set(spanCounts.size() - 1, i + 1);
            } else {
              spanCounts.add(i + 1);
            }
          }
          expected.put(trace, spanCounts);
        });
    assertThat(expected)
        .as("the plan's timing held")
        .containsEntry(a, List.of(4))
        .containsEntry(b, List.of(1, 2));
    Thread.sleep(window.toMillis()); // the stream starts well after the last quiet window ran out
    CompletionSettings settings = settings("it-stopped", stateDir).withQuietWindow(window);
    try (CompletionStream stream =
        CompletionStream.start(
            settings, kafka, new SimpleMeterRegistry(), Duration.ofSeconds(60))) {
      List<CompletedTrace> completed = readCompleted("stopped", 4);
      Map<String, List<Integer>> actual = new java.util.TreeMap<>();
      completed.stream()
          .sorted(
              java.util.Comparator.comparing(CompletedTrace::getTraceId)
                  .thenComparing(CompletedTrace::getRevision))
          .forEach(
              t ->
                  actual
                      .computeIfAbsent(t.getTraceId(), k -> new ArrayList<>())
                      .add(t.getSpans().size()));
      assertThat(actual).isEqualTo(expected);
      assertThat(completed)
          .allSatisfy(
              t ->
                  assertThat(t.getLastArrivalEpochMillis())
                      .isEqualTo(ingestTimes.get(t.getTraceId()).get(t.getSpans().size() - 1)));
    }
  }

  /** True when the application's committed offsets cover every record on tracefold.spans. */
  private static boolean consumedAll(String applicationId) throws Exception {
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(
            Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      var committed =
          admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
      var partitions =
          committed.keySet().stream()
              .filter(tp -> tp.topic().equals(Topics.SPANS.name()))
              .collect(
                  java.util.stream.Collectors.toMap(
                      tp -> tp, tp -> org.apache.kafka.clients.admin.OffsetSpec.latest()));
      if (partitions.size() < kafka.partitions()) {
        return false;
      }
      var ends = admin.listOffsets(partitions).all().get();
      return partitions.keySet().stream()
          .allMatch(tp -> committed.get(tp).offset() >= ends.get(tp).offset());
    }
  }
}

package dev.tracefold.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tracefold.embedded.EmbeddedKafkaBroker;
import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.service.HealthCheck;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.TopicProvisioner;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.StoredTrace;
import dev.tracefold.store.TraceState;
import dev.tracefold.store.TraceStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollup sink against a real embedded Kafka broker and a real embedded PostgreSQL. */
class RollupSinkIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final long BASE_EPOCH_NANOS = 1_763_000_000_000_000_000L;
  private static final AtomicInteger TRACE_NUMBERS = new AtomicInteger();

  @TempDir static Path dataDir;

  private static EmbeddedKafkaBroker broker;
  private static EmbeddedPostgresServer postgres;
  private static KafkaSettings kafka;
  private static TraceStore store;
  private static KafkaProducer<String, Span> spanProducer;
  private static KafkaProducer<String, CompletedTrace> completedProducer;

  private SimpleMeterRegistry registry;
  private RollupSink sink;
  private SinkSettings settings;

  @BeforeAll
  static void startInfrastructure() {
    broker = EmbeddedKafkaBroker.builder().dataDir(dataDir.resolve("kafka")).build();
    broker.start();
    postgres = EmbeddedPostgresServer.builder().dataDir(dataDir.resolve("postgres")).build();
    postgres.start();
    kafka = new KafkaSettings(broker.bootstrapServers(), 3, (short) 1, 8 * 1024 * 1024);
    TopicProvisioner.ensureTopics(kafka);
    store =
        TraceStore.open(
            new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 4));
    spanProducer =
        new KafkaProducer<>(
            producerConfig(), new StringSerializer(), Topics.SPANS.valueSerde().serializer());
    Map<String, Object> transactional = producerConfig();
    transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-completion-stream");
    completedProducer =
        new KafkaProducer<>(
            transactional,
            new StringSerializer(),
            Topics.COMPLETED_TRACES.valueSerde().serializer());
    completedProducer.initTransactions();
  }

  @AfterAll
  static void stopInfrastructure() {
    if (spanProducer != null) {
      spanProducer.close();
    }
    if (completedProducer != null) {
      completedProducer.close();
    }
    if (store != null) {
      store.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @BeforeEach
  void startSink() {
    settings =
        new SinkSettings(
            Duration.ofMillis(100),
            500,
            50,
            "tracefold-rollup-sink-spans",
            "tracefold-rollup-sink-traces",
            "tracefold-rollup-sink",
            "it-" + UUID.randomUUID(),
            Duration.ofMillis(200),
            0);
    registry = new SimpleMeterRegistry();
    sink = RollupSink.start(settings, kafka, store, registry);
  }

  @AfterEach
  void stopSink() {
    sink.close();
  }

  @Test
  void producedSpansAppearInProgressWithTheirRollup() throws Exception {
    String project = newProject();
    String trace = nextTraceId();
    List<Span> spans =
        List.of(root(project, trace, 1, 0), llm(project, trace, 2, 10), llm(project, trace, 3, 20));

    produceSpans(spans);

    StoredTrace stored = awaitTrace(project, trace, t -> t.spans().size() == 3);
    assertThat(stored.state()).isEqualTo(TraceState.IN_PROGRESS);
    assertThat(stored.revision()).isZero();
    assertThat(stored.rollup()).isEqualTo(TraceRollups.compute(project, trace, spans));
    assertThat(stored.rollup().getTotalTokens()).isEqualTo(240L);
    assertThat(stored.spans()).isEqualTo(spans);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(registry.counter("tracefold.sink.spans.written").count())
                    .isGreaterThanOrEqualTo(3));
  }

  @Test
  void aCompletedTraceCompletesTheTraceAndFiresExactlyOneTrigger() throws Exception {
    String project = newProject();
    String trace = nextTraceId();
    List<Span> spans = List.of(root(project, trace, 1, 0), llm(project, trace, 2, 10));
    produceSpans(spans);
    awaitTrace(project, trace, t -> t.spans().size() == 2);
    CompletedTrace completed = completed(spans, 1);

    RecordMetadata where = produceCompleted(completed);

    StoredTrace stored = awaitTrace(project, trace, t -> t.state() == TraceState.COMPLETE);
    String expectedId =
        UUID.nameUUIDFromBytes(
                ("all-completed-traces/" + project + "/" + trace + "/1")
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    assertThat(stored.revision()).isEqualTo(1);
    assertThat(stored.completionReason()).isEqualTo(CompletionReason.QUIET);
    assertThat(stored.rollup()).isEqualTo(completed.getRollup());
    assertThat(stored.firedTriggerIds()).containsExactly(expectedId);

    awaitTriggers(project, trace, 1);
    awaitGroupsCaughtUp();
    List<EvaluationTrigger> triggers = committedTriggers(project, trace);
    assertThat(triggers).hasSize(1);
    EvaluationTrigger trigger = triggers.get(0);
    assertThat(trigger.getTriggerId()).isEqualTo(expectedId);
    assertThat(trigger.getRuleId()).isEqualTo("all-completed-traces");
    assertThat(trigger.getRevision()).isEqualTo(1);
    assertThat(trigger.getRollup()).isEqualTo(completed.getRollup());
    assertThat(trigger.getCompletedTopic()).isEqualTo("tracefold.traces.completed");
    assertThat(trigger.getCompletedPartition()).isEqualTo(where.partition());
    assertThat(trigger.getCompletedOffset()).isEqualTo(where.offset());
    assertThat(trigger.getApiPath()).isEqualTo("/api/v1/traces/" + trace);
    assertThat(registry.counter("tracefold.sink.triggers.fired").count()).isGreaterThanOrEqualTo(1);
    assertThat(registry.counter("tracefold.sink.completed.written").count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void replayingBothTopicsFromTheStartChangesNothingInTheStore() throws Exception {
    String project = newProject();
    String trace = nextTraceId();
    List<Span> spans = List.of(root(project, trace, 1, 0), llm(project, trace, 2, 10));
    produceSpans(spans);
    CompletedTrace completed = completed(spans, 1);
    produceCompleted(completed);
    awaitTrace(project, trace, t -> t.state() == TraceState.COMPLETE);
    String triggerId = awaitTriggers(project, trace, 1).get(0).getTriggerId();
    awaitGroupsCaughtUp();
    sink.close();
    StoredTrace before = store.findTrace(project, trace).orElseThrow();
    Object updatedAtBefore = updatedAt(project, trace);

    try (Admin admin = admin()) {
      admin
          .deleteConsumerGroups(List.of(settings.spansGroupId(), settings.tracesGroupId()))
          .all()
          .get();
    }
    sink =
        RollupSink.start(
            settings.withInstanceId("it-" + UUID.randomUUID()), kafka, store, registry);

    // the new sink re-reads everything: the trigger is sent again, with the same id
    List<EvaluationTrigger> replayed = awaitTriggers(project, trace, 2);
    assertThat(replayed).extracting(EvaluationTrigger::getTriggerId).containsOnly(triggerId);
    awaitGroupsCaughtUp();
    assertThat(store.findTrace(project, trace)).contains(before);
    assertThat(updatedAt(project, trace)).isEqualTo(updatedAtBefore);
    assertThat(firedTriggerRows(project, trace)).isEqualTo(1);
  }

  @Test
  void aLateSpanReopensTheTraceUntilRevision2() throws Exception {
    String project = newProject();
    String trace = nextTraceId();
    List<Span> spans =
        new ArrayList<>(List.of(root(project, trace, 1, 0), llm(project, trace, 2, 10)));
    produceSpans(spans);
    produceCompleted(completed(spans, 1));
    awaitTrace(project, trace, t -> t.state() == TraceState.COMPLETE);

    Span late = llm(project, trace, 3, 900);
    produceSpans(List.of(late));
    StoredTrace reopened = awaitTrace(project, trace, t -> t.spans().size() == 3);
    assertThat(reopened.state()).isEqualTo(TraceState.IN_PROGRESS);
    assertThat(reopened.revision()).isEqualTo(1);

    spans.add(late);
    produceCompleted(completed(spans, 2));
    StoredTrace revision2 = awaitTrace(project, trace, t -> t.revision() == 2);
    assertThat(revision2.state()).isEqualTo(TraceState.COMPLETE);
    assertThat(revision2.rollup().getSpanCount()).isEqualTo(3);
    assertThat(awaitTriggers(project, trace, 2))
        .extracting(EvaluationTrigger::getRevision)
        .containsExactly(1, 2);
  }

  @Test
  void aCompletedTraceFromAnAbortedTransactionIsNeverStored() throws Exception {
    String project = newProject();
    String aborted = nextTraceId();
    String committed = nextTraceId();
    completedProducer.beginTransaction();
    completedProducer.send(record(completed(List.of(root(project, aborted, 1, 0)), 1))).get();
    completedProducer.abortTransaction();

    produceCompleted(completed(List.of(root(project, committed, 1, 0)), 1));

    awaitTrace(project, committed, t -> t.state() == TraceState.COMPLETE);
    awaitGroupsCaughtUp();
    assertThat(store.findTrace(project, aborted)).isEmpty();
  }

  @Test
  void anUndecodableCompletedTraceIsSkippedAndTheNextOneIsStored() throws Exception {
    String project = newProject();
    String trace = nextTraceId();
    String key = new TraceKey(project, trace).toString();
    Map<String, Object> config = producerConfig();
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-raw-completed");
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      raw.initTransactions();
      raw.beginTransaction();
      raw.send(new ProducerRecord<>(Topics.COMPLETED_TRACES.name(), key, new byte[] {1, 2, 3}));
      raw.commitTransaction();
    }

    produceCompleted(completed(List.of(root(project, trace, 1, 0)), 1));

    awaitTrace(project, trace, t -> t.state() == TraceState.COMPLETE);
    assertThat(awaitTriggers(project, trace, 1))
        .extracting(EvaluationTrigger::getRevision)
        .containsExactly(1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(registry.counter("tracefold.sink.completed.rejected").count())
                    .isGreaterThanOrEqualTo(1));
  }

  @Test
  void aPoisonSpanGoesToTheDeadLetterTopicAndItsNeighboursAreWritten() throws Exception {
    String project = newProject();
    String trace = nextTraceId();
    String key = new TraceKey(project, trace).toString();
    byte[] garbage = "not an avro span".getBytes(StandardCharsets.UTF_8);
    RecordMetadata poison;
    try (KafkaProducer<byte[], byte[]> raw =
        new KafkaProducer<>(
            producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
      byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
      raw.send(
          new ProducerRecord<>(Topics.SPANS.name(), keyBytes, encode(root(project, trace, 1, 0))));
      poison = raw.send(new ProducerRecord<>(Topics.SPANS.name(), keyBytes, garbage)).get();
      raw.send(
              new ProducerRecord<>(
                  Topics.SPANS.name(), keyBytes, encode(llm(project, trace, 2, 5))))
          .get();
    }

    StoredTrace stored = awaitTrace(project, trace, t -> t.spans().size() == 2);
    assertThat(stored.state()).isEqualTo(TraceState.IN_PROGRESS);
    ConsumerRecord<byte[], byte[]> deadLetter = awaitDeadLetter(key);
    assertThat(deadLetter.value()).isEqualTo(garbage);
    assertThat(header(deadLetter, "tracefold.error.class"))
        .isEqualTo("org.apache.kafka.common.errors.SerializationException");
    assertThat(header(deadLetter, "tracefold.error.message"))
        .startsWith("Cannot decode Span (16 bytes): ");
    assertThat(header(deadLetter, "tracefold.source.topic")).isEqualTo("tracefold.spans");
    assertThat(header(deadLetter, "tracefold.source.partition"))
        .isEqualTo(Integer.toString(poison.partition()));
    assertThat(header(deadLetter, "tracefold.source.offset"))
        .isEqualTo(Long.toString(poison.offset()));
    assertThat(registry.counter("tracefold.sink.dlq.records").count()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aSpanTheStoreRefusesGoesToTheDeadLetterTopicAndItsNeighboursAreWritten() throws Exception {
    String project = newProject();
    String trace = nextTraceId();
    // a span id too large for a btree index entry (random, so it does not compress)
    StringBuilder hugeId = new StringBuilder();
    Random random = new Random(7);
    while (hugeId.length() < 20_000) {
      hugeId.append(Long.toHexString(random.nextLong()));
    }
    Span refused = span(project, trace, 9, null, 1).setSpanId(hugeId.toString()).build();

    produceSpans(List.of(root(project, trace, 1, 0), refused, llm(project, trace, 2, 5)));

    StoredTrace stored = awaitTrace(project, trace, t -> t.spans().size() == 2);
    assertThat(stored.spans()).extracting(Span::getSpanId).doesNotContain(hugeId.toString());
    ConsumerRecord<byte[], byte[]> deadLetter =
        awaitDeadLetter(new TraceKey(project, trace).toString());
    assertThat(deadLetter.value()).isEqualTo(encode(refused));
    assertThat(header(deadLetter, "tracefold.error.class"))
        .isEqualTo("dev.tracefold.store.TraceStoreException");
    assertThat(header(deadLetter, "tracefold.error.message")).startsWith("Cannot write 1 span: ");
  }

  @Test
  void healthChecksReportRunningWorkersAndTheStoreThenStoppedWorkers() {
    assertThat(sink.healthChecks())
        .extracting(HealthCheck::name)
        .containsExactly("rollup-sink-spans", "rollup-sink-traces", "store");
    assertThat(sink.healthChecks())
        .allSatisfy(check -> assertThat(check.check().healthy()).isTrue());

    sink.close();
    sink.close(); // idempotent

    List<HealthCheck> checks = sink.healthChecks();
    assertThat(checks.get(0).check()).isEqualTo(HealthCheck.Result.down("stopped"));
    assertThat(checks.get(1).check()).isEqualTo(HealthCheck.Result.down("stopped"));
    assertThat(checks.get(2).check()).isEqualTo(HealthCheck.Result.up("reachable"));
  }

  @Test
  void aDatabaseOutageIsReportedAndTheBatchIsRetriedUntilTheDatabaseIsBack() throws Exception {
    Path outageData = dataDir.resolve("outage-postgres");
    EmbeddedPostgresServer first = EmbeddedPostgresServer.builder().dataDir(outageData).build();
    first.start();
    EmbeddedPostgresServer second = null;
    SinkSettings own =
        new SinkSettings(
            Duration.ofMillis(100),
            500,
            50,
            "outage-test-spans",
            "outage-test-traces",
            "tracefold-rollup-sink",
            "outage-" + UUID.randomUUID(),
            Duration.ofMillis(200),
            0);
    TraceStore outageStore =
        TraceStore.open(new StoreSettings(first.jdbcUrl(), first.username(), first.password(), 2));
    RollupSink outageSink = RollupSink.start(own, kafka, outageStore, new SimpleMeterRegistry());
    try {
      first.close();
      String project = newProject();
      String trace = nextTraceId();
      produceSpans(List.of(root(project, trace, 1, 0)));

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                HealthCheck.Result spans = outageSink.healthChecks().get(0).check();
                assertThat(spans.healthy()).isFalse();
                assertThat(spans.detail()).startsWith("retrying after ");
              });
      assertThat(outageSink.healthChecks().get(2).check().healthy()).isFalse();

      second = EmbeddedPostgresServer.builder().dataDir(outageData).port(first.port()).build();
      second.start();

      await().atMost(WAIT).until(() -> outageStore.findTrace(project, trace), Optional::isPresent);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(outageSink.healthChecks())
                      .allSatisfy(check -> assertThat(check.check().healthy()).isTrue()));
    } finally {
      outageSink.close();
      outageStore.close();
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  void theMainEntryPointServesHealthAndMetrics() throws Exception {
    Config config =
        ConfigFactory.parseMap(
                Map.of(
                    "tracefold.kafka.bootstrap-servers", broker.bootstrapServers(),
                    "tracefold.kafka.partitions", kafka.partitions(),
                    "tracefold.store.jdbc-url", postgres.jdbcUrl(),
                    "tracefold.store.username", postgres.username(),
                    "tracefold.store.password", postgres.password(),
                    "tracefold.sink.ops-port", 0,
                    "tracefold.sink.instance-id", "main-" + UUID.randomUUID(),
                    "tracefold.sink.spans-group-id", "main-test-spans",
                    "tracefold.sink.traces-group-id", "main-test-traces"))
            .withFallback(ConfigFactory.load());
    HttpClient http = HttpClient.newHttpClient();

    try (RollupSinkMain.Running running = RollupSinkMain.start(config)) {
      URI base = URI.create("http://localhost:" + running.ops().port());
      HttpResponse<String> health =
          await()
              .atMost(WAIT)
              .until(
                  () -> http.send(get(base.resolve("/health")), BodyHandlers.ofString()),
                  response -> response.statusCode() == 200);
      assertThat(health.body())
          .contains("\"status\":\"UP\"", "rollup-sink-spans", "rollup-sink-traces", "store");
      HttpResponse<String> metrics =
          http.send(get(base.resolve("/metrics")), BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("tracefold_sink_spans_written_total", "tracefold_sink_write_latency_seconds");
    }
  }

  private static HttpRequest get(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
  }

  // ---- producing ----

  private static Map<String, Object> producerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return config;
  }

  private static void produceSpans(List<Span> spans) throws Exception {
    RecordMetadata last = null;
    for (Span span : spans) {
      String key = new TraceKey(span.getProjectId(), span.getTraceId()).toString();
      last = spanProducer.send(new ProducerRecord<>(Topics.SPANS.name(), key, span)).get();
    }
    assertThat(last).isNotNull();
  }

  /** Produces one completed trace in a committed transaction, as completion-stream does. */
  private static RecordMetadata produceCompleted(CompletedTrace trace) throws Exception {
    completedProducer.beginTransaction();
    RecordMetadata metadata = completedProducer.send(record(trace)).get();
    completedProducer.commitTransaction();
    return metadata;
  }

  private static ProducerRecord<String, CompletedTrace> record(CompletedTrace trace) {
    String key = new TraceKey(trace.getProjectId(), trace.getTraceId()).toString();
    return new ProducerRecord<>(Topics.COMPLETED_TRACES.name(), key, trace);
  }

  private static byte[] encode(Span span) {
    return Topics.SPANS.valueSerde().serializer().serialize(Topics.SPANS.name(), span);
  }

  // ---- reading ----

  private static StoredTrace awaitTrace(
      String project, String trace, Predicate<StoredTrace> condition) {
    return await()
        .atMost(WAIT)
        .until(
            () -> store.findTrace(project, trace),
            found -> found.isPresent() && condition.test(found.get()))
        .orElseThrow();
  }

  /** Waits until a read_committed reader sees exactly {@code expected} triggers of the trace. */
  private static List<EvaluationTrigger> awaitTriggers(String project, String trace, int expected) {
    List<EvaluationTrigger> triggers =
        await()
            .atMost(WAIT)
            .until(() -> committedTriggers(project, trace), found -> found.size() >= expected);
    assertThat(triggers).hasSize(expected);
    return triggers;
  }

  /** Every trigger of a trace that a read_committed consumer reads from the start, in order. */
  private static List<EvaluationTrigger> committedTriggers(String project, String trace) {
    List<EvaluationTrigger> triggers = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record :
        readAll(Topics.EVALUATION_TRIGGERS.name(), "read_committed")) {
      EvaluationTrigger trigger =
          Topics.EVALUATION_TRIGGERS
              .valueSerde()
              .deserializer()
              .deserialize(record.topic(), record.value());
      if (trigger.getProjectId().equals(project) && trigger.getTraceId().equals(trace)) {
        assertThat(new String(record.key(), StandardCharsets.UTF_8))
            .isEqualTo(project + "/" + trace);
        triggers.add(trigger);
      }
    }
    return triggers;
  }

  private static ConsumerRecord<byte[], byte[]> awaitDeadLetter(String key) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                readAll(Topics.SPANS_DLQ.name(), "read_uncommitted").stream()
                    .filter(r -> key.equals(new String(r.key(), StandardCharsets.UTF_8)))
                    .findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  /** Reads a topic from the beginning up to its current end (all partitions, no group). */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        assertThat(System.nanoTime()).isLessThan(deadline);
      }
    }
    return records;
  }

  /** Waits until both sink groups have committed offsets at the end of their topics. */
  private void awaitGroupsCaughtUp() {
    await()
        .atMost(WAIT)
        .until(
            () ->
                caughtUp(settings.spansGroupId(), Topics.SPANS.name())
                    && caughtUp(settings.tracesGroupId(), Topics.COMPLETED_TRACES.name()));
  }

  /** True when the group committed past the last record a read_committed reader sees. */
  private static boolean caughtUp(String group, String topic) throws Exception {
    Map<TopicPartition, Long> next = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : readAll(topic, "read_committed")) {
      next.merge(new TopicPartition(topic, record.partition()), record.offset() + 1, Math::max);
    }
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      for (Map.Entry<TopicPartition, Long> partition : next.entrySet()) {
        OffsetAndMetadata offset = committed.get(partition.getKey());
        if (offset == null || offset.offset() < partition.getValue()) {
          return false;
        }
      }
      return true;
    }
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as("header " + name).isNotNull();
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  private static Object updatedAt(String project, String trace) throws SQLException {
    return queryOne(
        "SELECT updated_at FROM traces WHERE project_id = ? AND trace_id = ?", project, trace);
  }

  private static long firedTriggerRows(String project, String trace) throws SQLException {
    return (Long)
        queryOne(
            "SELECT count(*) FROM fired_triggers WHERE project_id = ? AND trace_id = ?",
            project,
            trace);
  }

  private static Object queryOne(String sql, String project, String trace) throws SQLException {
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, project);
      statement.setString(2, trace);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).isTrue();
        return rows.getObject(1);
      }
    }
  }

  // ---- test data ----

  private static String newProject() {
    return "p-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String nextTraceId() {
    return String.format("%032x", 0xabc000 + TRACE_NUMBERS.incrementAndGet());
  }

  private static Span root(String project, String trace, int number, long startMillis) {
    return span(project, trace, number, null, startMillis).build();
  }

  private static Span llm(String project, String trace, int number, long startMillis) {
    return span(project, trace, number, String.format("%016x", 1), startMillis)
        .setKind(SpanKind.LLM)
        .setModel("gpt-4o")
        .setProvider("openai")
        .setInputTokens(100L)
        .setOutputTokens(20L)
        .setCostMicrocents(1_000L)
        .build();
  }

  private static Span.Builder span(
      String project, String trace, int number, String parent, long startMillis) {
    long start = BASE_EPOCH_NANOS + startMillis * 1_000_000L;
    return Span.newBuilder()
        .setProjectId(project)
        .setTraceId(trace)
        .setSpanId(String.format("%016x", number))
        .setParentSpanId(parent)
        .setName(parent == null ? "agent" : "chat")
        .setKind(parent == null ? SpanKind.AGENT : SpanKind.TOOL)
        .setStartEpochNanos(start)
        .setEndEpochNanos(start + 50_000_000L)
        .setStatus(SpanStatus.OK)
        .setServiceName("svc");
  }

  private static CompletedTrace completed(List<Span> spans, int revision) {
    Span first = spans.get(0);
    return CompletedTrace.newBuilder()
        .setProjectId(first.getProjectId())
        .setTraceId(first.getTraceId())
        .setRevision(revision)
        .setCompletionReason(CompletionReason.QUIET)
        .setFirstArrivalEpochMillis(1L)
        .setLastArrivalEpochMillis(2L)
        .setCompletedEpochMillis(3L)
        .setRollup(TraceRollups.compute(first.getProjectId(), first.getTraceId(), spans))
        .setSpans(spans)
        .build();
  }
}

package dev.tracefold.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.TopicProvisioner;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.trace.StoredTrace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real embedded Kafka broker (topics provisioned) and a real embedded PostgreSQL with a {@link
 * TraceStore}, plus what the sink's integration tests produce, read and build: spans and completed
 * traces produced as the gateway and the completion stream do, triggers read as a {@code
 * read_committed} evaluator reads them, and test data.
 */
final class SinkTestKit implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);
  private static final long BASE_EPOCH_NANOS = 1_763_000_000_000_000_000L;
  private static final AtomicInteger TRACE_NUMBERS = new AtomicInteger();

  final EmbeddedKafkaBroker broker;
  final EmbeddedPostgresServer postgres;
  final KafkaSettings kafka;
  final TraceStore store;
  private final KafkaProducer<String, Span> spanProducer;
  final KafkaProducer<String, CompletedTrace> completedProducer;

  /** Starts both servers with their data under {@code dataDir}. */
  SinkTestKit(Path dataDir) {
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

  /** Sink settings for a test: short timeouts, the given groups, a fresh instance id. */
  static SinkSettings settings(String groupPrefix) {
    return new SinkSettings(
        Duration.ofMillis(100),
        500,
        Duration.ZERO,
        2,
        50,
        4,
        groupPrefix + "-spans",
        groupPrefix + "-traces",
        "tracefold-rollup-sink",
        "it-" + UUID.randomUUID(),
        Duration.ofMillis(200),
        0,
        Duration.ofMillis(200),
        Duration.ofMillis(100),
        500);
  }

  @Override
  public void close() {
    spanProducer.close();
    completedProducer.close();
    store.close();
    postgres.close();
    broker.close();
  }

  Map<String, Object> producerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return config;
  }

  void produceSpans(List<Span> spans) throws Exception {
    RecordMetadata last = null;
    for (Span span : spans) {
      String key = new TraceKey(span.getProjectId(), span.getTraceId()).toString();
      last = spanProducer.send(new ProducerRecord<>(Topics.SPANS.name(), key, span)).get();
    }
    assertThat(last).isNotNull();
  }

  /** Produces one completed trace in a committed transaction, as completion-stream does. */
  RecordMetadata produceCompleted(CompletedTrace trace) throws Exception {
    completedProducer.beginTransaction();
    RecordMetadata metadata = completedProducer.send(record(trace)).get();
    completedProducer.commitTransaction();
    return metadata;
  }

  /** Produces completed-trace records in one committed transaction, so one poll can read them. */
  void produceCompleted(List<ProducerRecord<String, CompletedTrace>> records) throws Exception {
    completedProducer.beginTransaction();
    for (ProducerRecord<String, CompletedTrace> record : records) {
      completedProducer.send(record);
    }
    completedProducer.commitTransaction();
  }

  static ProducerRecord<String, CompletedTrace> record(CompletedTrace trace) {
    String key = new TraceKey(trace.getProjectId(), trace.getTraceId()).toString();
    return new ProducerRecord<>(Topics.COMPLETED_TRACES.name(), key, trace);
  }

  static byte[] encode(Span span) {
    return Topics.SPANS.valueSerde().serializer().serialize(Topics.SPANS.name(), span);
  }

  // ---- reading ----

  StoredTrace awaitTrace(String project, String trace, Predicate<StoredTrace> condition) {
    return await()
        .atMost(WAIT)
        .until(
            () -> store.findTrace(project, trace),
            found -> found.isPresent() && condition.test(found.get()))
        .orElseThrow();
  }

  /** Waits until a read_committed reader sees exactly {@code expected} triggers of the trace. */
  List<EvaluationTrigger> awaitTriggers(String project, String trace, int expected) {
    List<EvaluationTrigger> triggers =
        await()
            .atMost(WAIT)
            .until(() -> committedTriggers(project, trace), found -> found.size() >= expected);
    assertThat(triggers).hasSize(expected);
    return triggers;
  }

  /** Every trigger of a trace that a read_committed consumer reads from the start, in order. */
  List<EvaluationTrigger> committedTriggers(String project, String trace) {
    return committedTriggers(project).stream()
        .filter(trigger -> trigger.getTraceId().equals(trace))
        .toList();
  }

  /** Every trigger of a project's traces that a read_committed consumer reads, in order. */
  List<EvaluationTrigger> committedTriggers(String project) {
    List<EvaluationTrigger> triggers = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record :
        readAll(Topics.EVALUATION_TRIGGERS.name(), "read_committed")) {
      EvaluationTrigger trigger =
          Topics.EVALUATION_TRIGGERS
              .valueSerde()
              .deserializer()
              .deserialize(record.topic(), record.value());
      if (trigger.getProjectId().equals(project)) {
        assertThat(new String(record.key(), StandardCharsets.UTF_8))
            .isEqualTo(project + "/" + trigger.getTraceId());
        triggers.add(trigger);
      }
    }
    return triggers;
  }

  ConsumerRecord<byte[], byte[]> awaitDeadLetter(String key) {
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
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation) {
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

  /** True when the group committed past the last record a read_committed reader sees. */
  boolean caughtUp(String group, String topic) throws Exception {
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

  Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    assertThat(header).as("header " + name).isNotNull();
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  Object updatedAt(String project, String trace) throws SQLException {
    return queryOne(
        "SELECT updated_at FROM traces WHERE project_id = ? AND trace_id = ?", project, trace);
  }

  long firedTriggerRows(String project, String trace) throws SQLException {
    return (Long)
        queryOne(
            "SELECT count(*) FROM fired_triggers WHERE project_id = ? AND trace_id = ?",
            project,
            trace);
  }

  Object queryOne(String sql, String project, String trace) throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(
                postgres.jdbcUrl(), postgres.username(), postgres.password());
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

  static String newProject() {
    return "p-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String nextTraceId() {
    return String.format("%032x", 0xabc000 + TRACE_NUMBERS.incrementAndGet());
  }

  static Span root(String project, String trace, int number, long startMillis) {
    return span(project, trace, number, null, startMillis).build();
  }

  static Span llm(String project, String trace, int number, long startMillis) {
    return span(project, trace, number, String.format("%016x", 1), startMillis)
        .setKind(SpanKind.LLM)
        .setModel("gpt-4o")
        .setProvider("openai")
        .setInputTokens(100L)
        .setOutputTokens(20L)
        .setCostMicrocents(1_000L)
        .build();
  }

  static Span.Builder span(
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

  static CompletedTrace completed(List<Span> spans, int revision) {
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

  /** Waits until both sink groups have committed offsets at the end of their topics. */
  void awaitGroupsCaughtUp(SinkSettings settings) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                caughtUp(settings.spansGroupId(), Topics.SPANS.name())
                    && caughtUp(settings.tracesGroupId(), Topics.COMPLETED_TRACES.name()));
  }
}

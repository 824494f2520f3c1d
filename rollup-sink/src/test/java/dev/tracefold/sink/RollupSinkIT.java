package dev.tracefold.sink;

import static dev.tracefold.sink.SinkTestKit.completed;
import static dev.tracefold.sink.SinkTestKit.encode;
import static dev.tracefold.sink.SinkTestKit.header;
import static dev.tracefold.sink.SinkTestKit.llm;
import static dev.tracefold.sink.SinkTestKit.newProject;
import static dev.tracefold.sink.SinkTestKit.nextTraceId;
import static dev.tracefold.sink.SinkTestKit.record;
import static dev.tracefold.sink.SinkTestKit.root;
import static dev.tracefold.sink.SinkTestKit.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.service.HealthCheck;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.evaluation.EvaluationRule;
import dev.tracefold.store.evaluation.FiredTrigger;
import dev.tracefold.store.evaluation.RuleDefinition;
import dev.tracefold.store.evaluation.RuleTurn;
import dev.tracefold.store.evaluation.TraceSelection;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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

  @TempDir static Path dataDir;

  private static SinkTestKit kit;
  private static KafkaSettings kafka;
  private static TraceStore store;

  private SimpleMeterRegistry registry;

  /** A new project with one enabled rule of turn every without filter, made before the sink. */
  private String project;

  private EvaluationRule everyRule;
  private RollupSink sink;
  private SinkSettings settings;

  @BeforeAll
  static void startInfrastructure() {
    kit = new SinkTestKit(dataDir);
    kafka = kit.kafka;
    store = kit.store;
  }

  @AfterAll
  static void stopInfrastructure() {
    if (kit != null) {
      kit.close();
    }
  }

  @BeforeEach
  void startSink() {
    settings = SinkTestKit.settings("tracefold-rollup-sink");
    registry = new SimpleMeterRegistry();
    project = newProject();
    everyRule =
        store
            .evaluationRules()
            .create(
                project,
                new RuleDefinition(
                    "every revision", true, TraceSelection.of(Map.of(), 100), RuleTurn.EVERY, 0));
    sink = RollupSink.start(settings, kafka, store, registry);
  }

  @AfterEach
  void stopSink() {
    sink.close();
  }

  @Test
  void producedSpansAppearInProgressWithTheirRollup() throws Exception {
    String trace = nextTraceId();
    List<Span> spans =
        List.of(root(project, trace, 1, 0), llm(project, trace, 2, 10), llm(project, trace, 3, 20));

    kit.produceSpans(spans);

    StoredTrace stored = kit.awaitTrace(project, trace, t -> t.spans().size() == 3);
    assertThat(stored.state()).isEqualTo(TraceState.IN_PROGRESS);
    assertThat(stored.revision()).isZero();
    assertThat(stored.rollup()).isEqualTo(TraceRollups.compute(project, trace, spans));
    assertThat(stored.rollup().getTotalTokens()).isEqualTo(240L);
    assertThat(stored.spans()).isEqualTo(spans);
    await()
        .atMost(SinkTestKit.WAIT)
        .untilAsserted(
            () ->
                assertThat(registry.counter("tracefold.sink.spans.written").count())
                    .isGreaterThanOrEqualTo(3));
  }

  @Test
  void aCompletedTraceCompletesTheTraceAndFiresExactlyOneTrigger() throws Exception {
    String trace = nextTraceId();
    List<Span> spans = List.of(root(project, trace, 1, 0), llm(project, trace, 2, 10));
    kit.produceSpans(spans);
    kit.awaitTrace(project, trace, t -> t.spans().size() == 2);
    CompletedTrace completed = completed(spans, 1);

    RecordMetadata where = kit.produceCompleted(completed);

    StoredTrace stored = kit.awaitTrace(project, trace, t -> t.state() == TraceState.COMPLETE);
    String expectedId =
        UUID.nameUUIDFromBytes(
                (everyRule.id() + "/" + project + "/" + trace + "/1")
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    assertThat(stored.revision()).isEqualTo(1);
    assertThat(stored.completionReason()).isEqualTo(CompletionReason.QUIET);
    assertThat(stored.rollup()).isEqualTo(completed.getRollup());
    assertThat(stored.firedTriggers())
        .extracting(FiredTrigger::triggerId, FiredTrigger::ruleId, FiredTrigger::turn)
        .containsExactly(tuple(expectedId, everyRule.id(), RuleTurn.EVERY));

    kit.awaitTriggers(project, trace, 1);
    kit.awaitGroupsCaughtUp(settings);
    List<EvaluationTrigger> triggers = kit.committedTriggers(project, trace);
    assertThat(triggers).hasSize(1);
    EvaluationTrigger trigger = triggers.get(0);
    assertThat(trigger.getTriggerId()).isEqualTo(expectedId);
    assertThat(trigger.getRuleId()).isEqualTo(everyRule.id());
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
    String trace = nextTraceId();
    List<Span> spans = List.of(root(project, trace, 1, 0), llm(project, trace, 2, 10));
    kit.produceSpans(spans);
    CompletedTrace completed = completed(spans, 1);
    kit.produceCompleted(completed);
    kit.awaitTrace(project, trace, t -> t.state() == TraceState.COMPLETE);
    String triggerId = kit.awaitTriggers(project, trace, 1).get(0).getTriggerId();
    kit.awaitGroupsCaughtUp(settings);
    sink.close();
    StoredTrace before = store.findTrace(project, trace).orElseThrow();
    Object updatedAtBefore = kit.updatedAt(project, trace);

    try (Admin admin = kit.admin()) {
      admin
          .deleteConsumerGroups(List.of(settings.spansGroupId(), settings.tracesGroupId()))
          .all()
          .get();
    }
    sink =
        RollupSink.start(
            settings.withInstanceId("it-" + UUID.randomUUID()), kafka, store, registry);

    // the new sink re-reads everything: the trigger is sent again, with the same id
    List<EvaluationTrigger> replayed = kit.awaitTriggers(project, trace, 2);
    assertThat(replayed).extracting(EvaluationTrigger::getTriggerId).containsOnly(triggerId);
    kit.awaitGroupsCaughtUp(settings);
    assertThat(store.findTrace(project, trace)).contains(before);
    assertThat(kit.updatedAt(project, trace)).isEqualTo(updatedAtBefore);
    assertThat(kit.firedTriggerRows(project, trace)).isEqualTo(1);
  }

  @Test
  void aLateSpanReopensTheTraceUntilRevision2() throws Exception {
    String trace = nextTraceId();
    List<Span> spans =
        new ArrayList<>(List.of(root(project, trace, 1, 0), llm(project, trace, 2, 10)));
    kit.produceSpans(spans);
    kit.produceCompleted(completed(spans, 1));
    kit.awaitTrace(project, trace, t -> t.state() == TraceState.COMPLETE);

    Span late = llm(project, trace, 3, 900);
    kit.produceSpans(List.of(late));
    StoredTrace reopened = kit.awaitTrace(project, trace, t -> t.spans().size() == 3);
    assertThat(reopened.state()).isEqualTo(TraceState.IN_PROGRESS);
    assertThat(reopened.revision()).isEqualTo(1);

    spans.add(late);
    kit.produceCompleted(completed(spans, 2));
    StoredTrace revision2 = kit.awaitTrace(project, trace, t -> t.revision() == 2);
    assertThat(revision2.state()).isEqualTo(TraceState.COMPLETE);
    assertThat(revision2.rollup().getSpanCount()).isEqualTo(3);
    assertThat(kit.awaitTriggers(project, trace, 2))
        .extracting(EvaluationTrigger::getRevision)
        .containsExactly(1, 2);
  }

  /**
   * Issue #17: the two writers consume their topics at their own pace. Here the span writer stores
   * all 8 spans first, then the completed-trace writer gets revision 1, which holds only 2: the
   * trace stays in progress (rollup over the 8) and revision 1 still fires its trigger.
   */
  @Test
  void aRevisionStoredAfterLaterSpansKeepsTheTraceInProgress() throws Exception {
    String trace = nextTraceId();
    List<Span> spans = new ArrayList<>();
    spans.add(root(project, trace, 1, 0));
    for (int n = 2; n <= 8; n++) {
      spans.add(llm(project, trace, n, 10L * n));
    }
    kit.produceSpans(spans);
    kit.awaitTrace(project, trace, t -> t.spans().size() == 8);

    kit.produceCompleted(completed(spans.subList(0, 2), 1));

    assertThat(kit.awaitTriggers(project, trace, 1))
        .extracting(EvaluationTrigger::getRevision)
        .containsExactly(1);
    StoredTrace stored = kit.awaitTrace(project, trace, t -> t.revision() == 1);
    assertThat(stored.state()).isEqualTo(TraceState.IN_PROGRESS);
    assertThat(stored.rollup()).isEqualTo(TraceRollups.compute(project, trace, spans));

    kit.produceCompleted(completed(spans, 2));
    StoredTrace complete = kit.awaitTrace(project, trace, t -> t.revision() == 2);
    assertThat(complete.state()).isEqualTo(TraceState.COMPLETE);
    assertThat(complete.rollup().getSpanCount()).isEqualTo(8);
  }

  @Test
  void aCompletedTraceFromAnAbortedTransactionIsNeverStored() throws Exception {
    String aborted = nextTraceId();
    String committed = nextTraceId();
    kit.completedProducer.beginTransaction();
    kit.completedProducer.send(record(completed(List.of(root(project, aborted, 1, 0)), 1))).get();
    kit.completedProducer.abortTransaction();

    kit.produceCompleted(completed(List.of(root(project, committed, 1, 0)), 1));

    kit.awaitTrace(project, committed, t -> t.state() == TraceState.COMPLETE);
    kit.awaitGroupsCaughtUp(settings);
    assertThat(store.findTrace(project, aborted)).isEmpty();
  }

  @Test
  void anUndecodableCompletedTraceIsSkippedAndTheNextOneIsStored() throws Exception {
    String trace = nextTraceId();
    String key = new TraceKey(project, trace).toString();
    Map<String, Object> config = kit.producerConfig();
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-raw-completed");
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      raw.initTransactions();
      raw.beginTransaction();
      raw.send(new ProducerRecord<>(Topics.COMPLETED_TRACES.name(), key, new byte[] {1, 2, 3}));
      raw.commitTransaction();
    }

    kit.produceCompleted(completed(List.of(root(project, trace, 1, 0)), 1));

    kit.awaitTrace(project, trace, t -> t.state() == TraceState.COMPLETE);
    assertThat(kit.awaitTriggers(project, trace, 1))
        .extracting(EvaluationTrigger::getRevision)
        .containsExactly(1);
    await()
        .atMost(SinkTestKit.WAIT)
        .untilAsserted(
            () ->
                assertThat(registry.counter("tracefold.sink.completed.rejected").count())
                    .isGreaterThanOrEqualTo(1));
  }

  @Test
  void anInvalidRevisionAmongOthersIsSkippedAndItsNeighboursAreStored() throws Exception {
    String good = nextTraceId();
    String bad = nextTraceId();
    String other = nextTraceId();
    CompletedTrace goodRevision = completed(List.of(root(project, good, 1, 0)), 1);
    // holds a span of another trace: the store refuses it; keyed like the good one, so both meet in
    // one store call and the writer must store the good one on its own
    CompletedTrace badRevision =
        CompletedTrace.newBuilder(completed(List.of(root(project, bad, 1, 0)), 1))
            .setSpans(List.of(root(project, bad, 1, 0), root(project, good, 2, 0)))
            .build();
    CompletedTrace otherRevision = completed(List.of(root(project, other, 1, 0)), 1);

    kit.produceCompleted(
        List.of(
            record(goodRevision),
            new ProducerRecord<>(
                Topics.COMPLETED_TRACES.name(), record(goodRevision).key(), badRevision),
            record(otherRevision)));

    kit.awaitTrace(project, good, t -> t.state() == TraceState.COMPLETE);
    kit.awaitTrace(project, other, t -> t.state() == TraceState.COMPLETE);
    assertThat(kit.awaitTriggers(project, good, 1)).hasSize(1);
    assertThat(kit.awaitTriggers(project, other, 1)).hasSize(1);
    await()
        .atMost(SinkTestKit.WAIT)
        .untilAsserted(
            () ->
                assertThat(registry.counter("tracefold.sink.completed.rejected").count())
                    .isGreaterThanOrEqualTo(1));
    assertThat(store.findTrace(project, bad)).isEmpty();
    assertThat(store.findTrace(project, good).orElseThrow().spans()).hasSize(1);
  }

  @Test
  void aPoisonSpanGoesToTheDeadLetterTopicAndItsNeighboursAreWritten() throws Exception {
    String trace = nextTraceId();
    String key = new TraceKey(project, trace).toString();
    byte[] garbage = "not an avro span".getBytes(StandardCharsets.UTF_8);
    RecordMetadata poison;
    try (KafkaProducer<byte[], byte[]> raw =
        new KafkaProducer<>(
            kit.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
      byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
      raw.send(
          new ProducerRecord<>(Topics.SPANS.name(), keyBytes, encode(root(project, trace, 1, 0))));
      poison = raw.send(new ProducerRecord<>(Topics.SPANS.name(), keyBytes, garbage)).get();
      raw.send(
              new ProducerRecord<>(
                  Topics.SPANS.name(), keyBytes, encode(llm(project, trace, 2, 5))))
          .get();
    }

    StoredTrace stored = kit.awaitTrace(project, trace, t -> t.spans().size() == 2);
    assertThat(stored.state()).isEqualTo(TraceState.IN_PROGRESS);
    ConsumerRecord<byte[], byte[]> deadLetter = kit.awaitDeadLetter(key);
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
    String trace = nextTraceId();
    // a span id too large for a btree index entry (random, so it does not compress)
    StringBuilder hugeId = new StringBuilder();
    Random random = new Random(7);
    while (hugeId.length() < 20_000) {
      hugeId.append(Long.toHexString(random.nextLong()));
    }
    Span refused = span(project, trace, 9, null, 1).setSpanId(hugeId.toString()).build();

    kit.produceSpans(List.of(root(project, trace, 1, 0), refused, llm(project, trace, 2, 5)));

    StoredTrace stored = kit.awaitTrace(project, trace, t -> t.spans().size() == 2);
    assertThat(stored.spans()).extracting(Span::getSpanId).doesNotContain(hugeId.toString());
    ConsumerRecord<byte[], byte[]> deadLetter =
        kit.awaitDeadLetter(new TraceKey(project, trace).toString());
    assertThat(deadLetter.value()).isEqualTo(encode(refused));
    assertThat(header(deadLetter, "tracefold.error.class"))
        .isEqualTo("dev.tracefold.store.TraceStoreException");
    assertThat(header(deadLetter, "tracefold.error.message")).startsWith("Cannot write 1 span: ");
  }

  @Test
  void healthChecksReportRunningWorkersAndTheStoreThenStoppedWorkers() {
    assertThat(sink.healthChecks())
        .extracting(HealthCheck::name)
        .containsExactly(
            "rollup-sink-spans", "rollup-sink-traces", "rollup-sink-last-turn", "store");
    assertThat(sink.healthChecks())
        .allSatisfy(check -> assertThat(check.check().healthy()).isTrue());

    sink.close();
    sink.close(); // idempotent

    List<HealthCheck> checks = sink.healthChecks();
    assertThat(checks.get(0).check()).isEqualTo(HealthCheck.Result.down("stopped"));
    assertThat(checks.get(1).check()).isEqualTo(HealthCheck.Result.down("stopped"));
    assertThat(checks.get(2).check()).isEqualTo(HealthCheck.Result.down("stopped"));
    assertThat(checks.get(3).check()).isEqualTo(HealthCheck.Result.up("reachable"));
  }

  @Test
  void aDatabaseOutageIsReportedAndTheBatchIsRetriedUntilTheDatabaseIsBack() throws Exception {
    Path outageData = dataDir.resolve("outage-postgres");
    EmbeddedPostgresServer first = EmbeddedPostgresServer.builder().dataDir(outageData).build();
    first.start();
    EmbeddedPostgresServer second = null;
    SinkSettings own = SinkTestKit.settings("outage-test");
    TraceStore outageStore =
        TraceStore.open(new StoreSettings(first.jdbcUrl(), first.username(), first.password(), 2));
    RollupSink outageSink = RollupSink.start(own, kafka, outageStore, new SimpleMeterRegistry());
    try {
      first.close();
      String trace = nextTraceId();
      kit.produceSpans(List.of(root(project, trace, 1, 0)));

      await()
          .atMost(SinkTestKit.WAIT)
          .untilAsserted(
              () -> {
                HealthCheck.Result spans = outageSink.healthChecks().get(0).check();
                assertThat(spans.healthy()).isFalse();
                assertThat(spans.detail()).startsWith("retrying after ");
              });
      assertThat(outageSink.healthChecks().get(3).check().healthy()).isFalse(); // store

      second = EmbeddedPostgresServer.builder().dataDir(outageData).port(first.port()).build();
      second.start();

      await()
          .atMost(SinkTestKit.WAIT)
          .until(() -> outageStore.findTrace(project, trace), Optional::isPresent);
      await()
          .atMost(SinkTestKit.WAIT)
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
                    "tracefold.kafka.bootstrap-servers", kit.broker.bootstrapServers(),
                    "tracefold.kafka.partitions", kafka.partitions(),
                    "tracefold.store.jdbc-url", kit.postgres.jdbcUrl(),
                    "tracefold.store.username", kit.postgres.username(),
                    "tracefold.store.password", kit.postgres.password(),
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
              .atMost(SinkTestKit.WAIT)
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
}

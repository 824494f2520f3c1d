package dev.tracefold.sink;

import static dev.tracefold.sink.SinkTestKit.WAIT;
import static dev.tracefold.sink.SinkTestKit.completed;
import static dev.tracefold.sink.SinkTestKit.llm;
import static dev.tracefold.sink.SinkTestKit.newProject;
import static dev.tracefold.sink.SinkTestKit.nextTraceId;
import static dev.tracefold.sink.SinkTestKit.root;
import static dev.tracefold.sink.SinkTestKit.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.store.evaluation.AnnotationQueue;
import dev.tracefold.store.evaluation.AnnotationQueueItem;
import dev.tracefold.store.evaluation.EvaluationRule;
import dev.tracefold.store.evaluation.FiredTrigger;
import dev.tracefold.store.evaluation.NewScore;
import dev.tracefold.store.evaluation.QueueDefinition;
import dev.tracefold.store.evaluation.QueueItemStatus;
import dev.tracefold.store.evaluation.RuleDefinition;
import dev.tracefold.store.evaluation.RuleTurn;
import dev.tracefold.store.evaluation.ScoreSource;
import dev.tracefold.store.evaluation.TraceSelection;
import dev.tracefold.store.query.TraceSampling;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Evaluation rules and annotation queues in the rollup sink, on a real embedded Kafka broker and a
 * real embedded PostgreSQL: filters, turns, sampling, crashes between the database and Kafka, and
 * rules changed while traces flow.
 */
class EvaluationRulesIT {
  @TempDir static Path dataDir;

  private static SinkTestKit kit;

  private final List<RollupSink> sinks = new ArrayList<>();
  private SinkSettings settings;
  private SimpleMeterRegistry registry;

  @BeforeAll
  static void startInfrastructure() {
    kit = new SinkTestKit(dataDir);
  }

  @AfterAll
  static void stopInfrastructure() {
    if (kit != null) {
      kit.close();
    }
  }

  @AfterEach
  void stopSinks() {
    sinks.forEach(RollupSink::close);
  }

  /** Starts a sink with this test's settings (the same instance id on every call). */
  private RollupSink startSink() {
    return startSink(CrashPoints.NONE);
  }

  /** {@link #startSink()} whose workers call {@code crashPoints}. */
  private RollupSink startSink(CrashPoints crashPoints) {
    if (settings == null) {
      settings = SinkTestKit.settings("rules-" + UUID.randomUUID());
      registry = new SimpleMeterRegistry();
    }
    RollupSink sink = RollupSink.start(settings, kit.kafka, kit.store, registry, crashPoints);
    sinks.add(sink);
    return sink;
  }

  @Test
  void eachFilterKindAndTurnFiresForTheRevisionsItShould() throws Exception {
    String project = newProject();
    EvaluationRule errors = rule(project, Map.of("status", List.of("ERROR")), 100, RuleTurn.EVERY);
    EvaluationRule gpt = rule(project, Map.of("models", List.of("gpt-4o")), 100, RuleTurn.EVERY);
    EvaluationRule checkout =
        rule(project, Map.of("tags", List.of("checkout")), 100, RuleTurn.EVERY);
    EvaluationRule costly =
        rule(project, Map.of("min_cost_microcents", List.of("1500")), 100, RuleTurn.EVERY);
    EvaluationRule first = rule(project, Map.of(), 100, RuleTurn.FIRST);
    EvaluationRule last = lastRule(project, 4_000);
    EvaluationRule disabled =
        kit.store
            .evaluationRules()
            .create(
                project,
                new RuleDefinition(
                    "disabled", false, TraceSelection.of(Map.of(), 100), RuleTurn.EVERY, 0));
    AnnotationQueue errorQueue =
        kit.store
            .annotationQueues()
            .create(
                project,
                new QueueDefinition(
                    "errors",
                    null,
                    true,
                    TraceSelection.of(Map.of("status", List.of("ERROR")), 100)));
    startSink();

    // a: an error with one gpt-4o call (cost 1000), completed twice back to back
    String a = nextTraceId();
    List<Span> aSpans =
        new ArrayList<>(
            List.of(
                span(project, a, 1, null, 0).setStatus(SpanStatus.ERROR).build(),
                llm(project, a, 2, 10)));
    // b: tagged checkout, two gpt-4o calls (cost 2000), one revision
    String b = nextTraceId();
    List<Span> bSpans =
        List.of(
            span(project, b, 1, null, 0).setTags(List.of("checkout")).build(),
            llm(project, b, 2, 10),
            llm(project, b, 3, 20));
    // c: no model, no tag, OK, one revision
    String c = nextTraceId();
    List<Span> cSpans = List.of(root(project, c, 1, 0));
    kit.produceCompleted(completed(aSpans, 1));
    aSpans.add(llm(project, a, 3, 30));
    kit.produceCompleted(completed(aSpans, 2));
    kit.produceCompleted(completed(bSpans, 1));
    kit.produceCompleted(completed(cSpans, 1));

    // every: once per matching revision; first: revision 1 only; last: the last revision only,
    // after its delay; disabled: never
    // (a's revision 2 costs 2000 microcents: the range rule fires for it, not for revision 1)
    assertThat(awaitFired(project, a, 7))
        .containsExactlyInAnyOrder(
            tuple(costly.id(), 2),
            tuple(errors.id(), 1),
            tuple(errors.id(), 2),
            tuple(gpt.id(), 1),
            tuple(gpt.id(), 2),
            tuple(first.id(), 1),
            tuple(last.id(), 2))
        .doesNotContain(tuple(disabled.id(), 1));
    assertThat(awaitFired(project, b, 5))
        .containsExactlyInAnyOrder(
            tuple(gpt.id(), 1),
            tuple(checkout.id(), 1),
            tuple(costly.id(), 1),
            tuple(first.id(), 1),
            tuple(last.id(), 1));
    assertThat(awaitFired(project, c, 2))
        .containsExactlyInAnyOrder(tuple(first.id(), 1), tuple(last.id(), 1));

    // the trace lists which rules fired, with their turns, as recorded in the store
    StoredTrace storedA = kit.store.findTrace(project, a).orElseThrow();
    assertThat(storedA.firedTriggers())
        .extracting(FiredTrigger::ruleId, FiredTrigger::revision, FiredTrigger::turn)
        .containsExactlyInAnyOrder(
            tuple(costly.id(), 2, RuleTurn.EVERY),
            tuple(errors.id(), 1, RuleTurn.EVERY),
            tuple(errors.id(), 2, RuleTurn.EVERY),
            tuple(gpt.id(), 1, RuleTurn.EVERY),
            tuple(gpt.id(), 2, RuleTurn.EVERY),
            tuple(first.id(), 1, RuleTurn.FIRST),
            tuple(last.id(), 2, RuleTurn.LAST));
    // the trigger of turn last carries the rollup of the revision it fired for
    EvaluationTrigger lastOfA =
        kit.committedTriggers(project, a).stream()
            .filter(t -> t.getRuleId().equals(last.id()))
            .findFirst()
            .orElseThrow();
    assertThat(lastOfA.getRollup().getSpanCount()).isEqualTo(3);

    // the error queue took trace a once, at its first revision
    List<AnnotationQueueItem> items =
        kit.store
            .annotationQueues()
            .items(project, errorQueue.id(), QueueItemStatus.PENDING, 1, 50)
            .items();
    assertThat(items)
        .extracting(item -> item.trace().rollup().getTraceId(), AnnotationQueueItem::revision)
        .containsExactly(tuple(a, 1));
    assertThat(
            registry
                .get("tracefold.sink.rule.triggers.fired")
                .tag("rule_id", gpt.id())
                .counter()
                .count())
        .isEqualTo(3);
  }

  @Test
  void rulesAndQueuesWithScoreFiltersJudgeTheScoresStoredBeforeTheRevision() throws Exception {
    String project = newProject();
    EvaluationRule first = rule(project, Map.of(), 100, RuleTurn.FIRST);
    Map<String, List<String>> judgeFailed =
        Map.of("evaluator", List.of("judge"), "passed", List.of("false"));
    EvaluationRule failedByJudge = rule(project, judgeFailed, 100, RuleTurn.EVERY);
    AnnotationQueue failedQueue = queue(project, judgeFailed);
    AnnotationQueue pendingQueue = queue(project, Map.of("score_pending", List.of("true")));
    startSink();
    String t = nextTraceId();
    List<Span> spans = new ArrayList<>(List.of(root(project, t, 1, 0)));
    // judged while still in progress (revision 0: a score joins no queue then)
    kit.store.writeSpans(spans);
    kit.store
        .scores()
        .write(
            project,
            t,
            new NewScore(
                "judge", null, null, null, false, 0.0, null, null, ScoreSource.CUSTOM, null));

    // revision 1 sees judge's failing score; no trigger waited for a score before it
    kit.produceCompleted(completed(spans, 1));
    assertThat(awaitFired(project, t, 2))
        .containsExactlyInAnyOrder(tuple(first.id(), 1), tuple(failedByJudge.id(), 1));
    // revision 2: revision 1's triggers still wait for a score
    spans.add(llm(project, t, 2, 10));
    kit.produceCompleted(completed(spans, 2));

    assertThat(awaitFired(project, t, 3))
        .containsExactlyInAnyOrder(
            tuple(first.id(), 1), tuple(failedByJudge.id(), 1), tuple(failedByJudge.id(), 2));
    assertThat(itemsOf(project, failedQueue)).containsExactly(tuple(t, 1));
    assertThat(itemsOf(project, pendingQueue)).containsExactly(tuple(t, 2));
  }

  private static AnnotationQueue queue(String project, Map<String, List<String>> filter) {
    return kit.store
        .annotationQueues()
        .create(
            project,
            new QueueDefinition("q " + filter, null, true, TraceSelection.of(filter, 100)));
  }

  /** (trace id, revision) of the queue's items. */
  private static List<Tuple> itemsOf(String project, AnnotationQueue queue) {
    return kit.store.annotationQueues().items(project, queue.id(), null, 1, 50).items().stream()
        .map(item -> tuple(item.trace().rollup().getTraceId(), item.revision()))
        .toList();
  }

  @Test
  void samplingTakesNoneAllOrAboutHalfAndTheSameHalfOnReplay() throws Exception {
    String project = newProject();
    EvaluationRule none = rule(project, Map.of(), 0, RuleTurn.EVERY);
    EvaluationRule all = rule(project, Map.of(), 100, RuleTurn.EVERY);
    EvaluationRule half = rule(project, Map.of(), 50, RuleTurn.EVERY);
    AnnotationQueue halfQueue =
        kit.store
            .annotationQueues()
            .create(
                project, new QueueDefinition("half", null, true, TraceSelection.of(Map.of(), 50)));
    RollupSink sink = startSink();
    int traces = 200;
    List<String> traceIds = new ArrayList<>();
    for (int i = 0; i < traces; i++) {
      String trace = nextTraceId();
      traceIds.add(trace);
      kit.produceCompleted(completed(List.of(root(project, trace, 1, 0)), 1));
    }
    Set<String> expectedHalf =
        traceIds.stream()
            .filter(t -> TraceSampling.takes(half.id(), t, 50))
            .collect(Collectors.toCollection(TreeSet::new));

    Map<String, Set<String>> fired =
        await().atMost(WAIT).until(() -> firedByRule(project), f -> count(f, all) == traces);
    kit.awaitGroupsCaughtUp(settings);
    fired = firedByRule(project);
    assertThat(count(fired, none)).isZero();
    assertThat(count(fired, all)).isEqualTo(traces);
    assertThat(fired.get(half.id())).isEqualTo(expectedHalf);
    assertThat(expectedHalf.size()).isBetween(70, 130); // 200 draws at p = 0.5: 100 ± 4.2 sd
    Set<String> queued =
        kit.store.annotationQueues().items(project, halfQueue.id(), null, 1, 500).items().stream()
            .map(item -> item.trace().rollup().getTraceId())
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> expectedQueued =
        traceIds.stream()
            .filter(t -> TraceSampling.takes(halfQueue.id(), t, 50))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(queued).isEqualTo(expectedQueued);
    assertThat(
            registry
                .get("tracefold.sink.sampling.skipped")
                .tag("kind", "rule")
                .tag("id", none.id())
                .counter()
                .count())
        .isEqualTo(traces);

    // replay: a new group reads the topic again and re-sends what was recorded, the same half
    sink.close();
    try (Admin admin = kit.admin()) {
      admin.deleteConsumerGroups(List.of(settings.tracesGroupId())).all().get();
    }
    startSink();
    Map<String, List<EvaluationTrigger>> replayed =
        await()
            .atMost(WAIT)
            .until(
                () -> triggersByRule(project),
                t -> t.getOrDefault(all.id(), List.of()).size() == 2 * traces);
    Set<String> replayedHalf =
        replayed.get(half.id()).stream()
            .map(EvaluationTrigger::getTraceId)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(replayedHalf).isEqualTo(expectedHalf);
    assertThat(replayed.get(half.id())).hasSize(2 * expectedHalf.size());
    assertThat(replayed).doesNotContainKey(none.id());
  }

  @ParameterizedTest
  @EnumSource(
      value = CrashPoints.Point.class,
      names = {"COMPLETED_AFTER_DATABASE_COMMIT", "COMPLETED_BEFORE_KAFKA_COMMIT"})
  void aSinkCrashingBetweenTheDatabaseAndKafkaPublishesEachTriggerOnceAfterRestart(
      CrashPoints.Point point) throws Exception {
    String project = newProject();
    EvaluationRule every = rule(project, Map.of(), 100, RuleTurn.EVERY);
    String trace = completeOneTraceCrashingAt(project, point, 1);
    // the database has the revision and its trigger; Kafka has no committed trigger
    assertThat(kit.store.findTrace(project, trace).orElseThrow().state())
        .isEqualTo(TraceState.COMPLETE);
    assertThat(kit.firedTriggerRows(project, trace)).isEqualTo(1);
    assertThat(kit.committedTriggers(project, trace)).isEmpty();

    startSink(); // same instance id: its initTransactions fences and aborts what the crash left

    List<EvaluationTrigger> triggers = kit.awaitTriggers(project, trace, 1);
    assertThat(triggers.get(0).getRuleId()).isEqualTo(every.id());
    kit.awaitGroupsCaughtUp(settings);
    assertThat(kit.committedTriggers(project, trace)).hasSize(1);
    assertThat(kit.firedTriggerRows(project, trace)).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = CrashPoints.Point.class,
      names = {"LAST_TURN_AFTER_CLAIM", "LAST_TURN_AFTER_KAFKA_COMMIT"})
  void aTurnLastTriggerIsPublishedOnceAcrossACrashOfTheScheduler(CrashPoints.Point point)
      throws Exception {
    String project = newProject();
    EvaluationRule last = lastRule(project, 500);
    String trace = completeOneTraceCrashingAt(project, point, 2);
    assertThat(kit.firedTriggerRows(project, trace)).isEqualTo(1);
    startSink();

    List<EvaluationTrigger> triggers = kit.awaitTriggers(project, trace, 1);
    assertThat(triggers.get(0).getRuleId()).isEqualTo(last.id());
    // a further round of the new scheduler must not publish it again
    Thread.sleep(1_000);
    assertThat(kit.committedTriggers(project, trace)).hasSize(1);
    assertThat(kit.store.pendingTriggers().countWaiting()).isZero();
  }

  @Test
  void aRuleCreatedWhileTracesFlowAppliesToTheNextCompletionsAndADisabledOneStops()
      throws Exception {
    String project = newProject();
    startSink();
    String before = nextTraceId();
    kit.produceCompleted(completed(List.of(root(project, before, 1, 0)), 1));
    kit.awaitTrace(project, before, t -> t.state() == TraceState.COMPLETE);

    EvaluationRule rule = rule(project, Map.of(), 100, RuleTurn.EVERY);
    // keep completing traces until one fires: the change must apply within seconds
    List<String> after = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              String trace = nextTraceId();
              after.add(trace);
              kit.produceCompleted(completed(List.of(root(project, trace, 1, 0)), 1));
              return !kit.committedTriggers(project, after.get(0)).isEmpty();
            });
    String last = after.get(after.size() - 1);
    kit.awaitTriggers(project, last, 1);
    assertThat(kit.committedTriggers(project, before)).isEmpty();

    kit.store
        .evaluationRules()
        .update(
            project,
            rule.id(),
            new RuleDefinition("off", false, TraceSelection.of(Map.of(), 100), RuleTurn.EVERY, 0));
    Thread.sleep(1_500); // several refresh intervals (200 ms)
    String disabled = nextTraceId();
    kit.produceCompleted(completed(List.of(root(project, disabled, 1, 0)), 1));
    kit.awaitTrace(project, disabled, t -> t.state() == TraceState.COMPLETE);
    kit.awaitGroupsCaughtUp(settings);
    assertThat(kit.committedTriggers(project, disabled)).isEmpty();
  }

  // ---- helpers ----

  private static EvaluationRule rule(
      String project, Map<String, List<String>> filter, double percent, RuleTurn turn) {
    return kit.store
        .evaluationRules()
        .create(
            project,
            new RuleDefinition(
                turn.wireName() + " " + filter, true, TraceSelection.of(filter, percent), turn, 0));
  }

  private static EvaluationRule lastRule(String project, long delayMillis) {
    return kit.store
        .evaluationRules()
        .create(
            project,
            new RuleDefinition(
                "last", true, TraceSelection.of(Map.of(), 100), RuleTurn.LAST, delayMillis));
  }

  /**
   * Starts a sink whose workers crash once at {@code point}, completes one trace of the project,
   * waits until the crash stopped the worker whose health check is at {@code workerCheck} and
   * closes that sink. Returns the trace id.
   */
  private String completeOneTraceCrashingAt(
      String project, CrashPoints.Point point, int workerCheck) throws Exception {
    AtomicBoolean armed = new AtomicBoolean();
    AtomicBoolean crashed = new AtomicBoolean();
    RollupSink sink =
        startSink(
            reached -> {
              if (reached == point && armed.get() && crashed.compareAndSet(false, true)) {
                throw new SimulatedCrash(point.name());
              }
            });
    kit.awaitGroupsCaughtUp(settings); // earlier tests' records: the crash is for this trace
    armed.set(true);
    String trace = nextTraceId();
    kit.produceCompleted(completed(List.of(root(project, trace, 1, 0)), 1));
    await()
        .atMost(WAIT)
        .until(() -> crashed.get() && !sink.healthChecks().get(workerCheck).check().healthy());
    sink.close();
    return trace;
  }

  /** Waits for at least {@code expected} committed triggers; returns (rule id, revision) pairs. */
  private static List<Tuple> awaitFired(String project, String trace, int expected) {
    List<EvaluationTrigger> triggers =
        await()
            .atMost(WAIT)
            .until(() -> kit.committedTriggers(project, trace), t -> t.size() >= expected);
    return triggers.stream().map(t -> tuple(t.getRuleId(), t.getRevision())).toList();
  }

  private static Map<String, List<EvaluationTrigger>> triggersByRule(String project) {
    return kit.committedTriggers(project).stream()
        .collect(Collectors.groupingBy(EvaluationTrigger::getRuleId));
  }

  private static Map<String, Set<String>> firedByRule(String project) {
    return kit.committedTriggers(project).stream()
        .collect(
            Collectors.groupingBy(
                EvaluationTrigger::getRuleId,
                Collectors.mapping(
                    EvaluationTrigger::getTraceId, Collectors.toCollection(TreeSet::new))));
  }

  private static int count(Map<String, Set<String>> fired, EvaluationRule rule) {
    return fired.getOrDefault(rule.id(), Set.of()).size();
  }

  /** What a crash point throws: an Error, so the worker stops as if the process died there. */
  private static final class SimulatedCrash extends Error {
    SimulatedCrash(String point) {
      super("simulated crash at " + point);
    }
  }
}

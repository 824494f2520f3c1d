package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.completed;
import static dev.tracefold.store.TestTraces.newProject;
import static dev.tracefold.store.TestTraces.root;
import static dev.tracefold.store.TestTraces.traceId;
import static dev.tracefold.store.TestTraces.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.store.evaluation.AnnotationQueue;
import dev.tracefold.store.evaluation.AnnotationQueueStore;
import dev.tracefold.store.evaluation.FiredTrigger;
import dev.tracefold.store.evaluation.InvalidScoreException;
import dev.tracefold.store.evaluation.NewScore;
import dev.tracefold.store.evaluation.QueueDefinition;
import dev.tracefold.store.evaluation.ScoreSource;
import dev.tracefold.store.evaluation.ScoreStore;
import dev.tracefold.store.evaluation.ScoreWrite;
import dev.tracefold.store.evaluation.TraceScore;
import dev.tracefold.store.evaluation.TraceScores;
import dev.tracefold.store.evaluation.TraceSelection;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceFilterParams;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.query.TraceSort;
import dev.tracefold.store.trace.CompletionDecision;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TracePage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ScoreStore} against a real PostgreSQL: idempotency per (trigger, evaluator), the latest
 * score per evaluator and the trace summary, the score filters and sort in SQL and in memory
 * (including pending triggers), queue re-judging on score arrival, the unanswered-trigger count and
 * the meters.
 */
class ScoreStoreIT {
  /** When {@link TestTraces#trigger} fires. */
  private static final Instant FIRED = Instant.ofEpochMilli(1_763_000_302_000L);

  @RegisterExtension static final TestDatabase database = new TestDatabase();
  private static TraceStore store;
  private static ScoreStore scores;

  @BeforeAll
  static void start() {
    store = database.store();
    scores = store.scores();
  }

  @Test
  void aScoreAnsweringATriggerIsWrittenOncePerEvaluator() {
    String project = newProject();
    EvaluationTrigger fired = complete(project, 1, 1, "rule-1");

    ScoreWrite first =
        scores
            .write(project, traceId(1), evaluation("judge", fired.getTriggerId(), false, 0.2))
            .orElseThrow();
    ScoreWrite replay =
        scores
            .write(project, traceId(1), evaluation("judge", fired.getTriggerId(), true, 0.9))
            .orElseThrow();
    ScoreWrite otherEvaluator =
        scores
            .write(project, traceId(1), evaluation("critic", fired.getTriggerId(), true, 0.9))
            .orElseThrow();

    assertThat(first.created()).isTrue();
    TraceScore score = first.score();
    assertThat(score.evaluatorName()).isEqualTo("judge");
    assertThat(score.evaluatorVersion()).isEqualTo("v1");
    assertThat(score.triggerId()).isEqualTo(fired.getTriggerId());
    assertThat(score.ruleId()).isEqualTo("rule-1");
    assertThat(score.revision()).isEqualTo(1);
    assertThat(score.passed()).isFalse();
    assertThat(score.value()).isEqualTo(0.2);
    assertThat(score.label()).isEqualTo("bad");
    assertThat(score.reason()).isEqualTo("because");
    assertThat(score.source()).isEqualTo(ScoreSource.EVALUATION);
    assertThat(score.createdBy()).isEqualTo("worker-1");
    assertThat(score.createdEpochMillis()).isPositive();
    assertThat(replay.created()).isFalse();
    assertThat(replay.score()).isEqualTo(score);
    assertThat(otherEvaluator.created()).isTrue();

    StoredTrace trace = store.findTrace(project, traceId(1)).orElseThrow();
    assertThat(trace.allScores()).containsExactly(score, otherEvaluator.score());
    assertThat(trace.scores().count()).isEqualTo(2);
    assertThat(trace.scores().latest().keySet()).containsExactly("critic", "judge");
    assertThat(trace.scores().latest().get("judge"))
        .isEqualTo(withoutReason(score))
        .extracting(TraceScore::reason)
        .isNull();
    assertThat(trace.scores().passedCount()).isEqualTo(1);
    assertThat(trace.scores().failedCount()).isEqualTo(1);
    assertThat(trace.scores().pendingTriggers()).isZero();
    assertThat(trace.firedTriggers()).extracting(FiredTrigger::scorePending).containsExactly(false);
  }

  @Test
  void triggersMustBeFiredForTheTraceAndRevisionsMustBeTheirs() {
    String project = newProject();
    EvaluationTrigger fired = complete(project, 1, 1, "rule-1");
    complete(project, 2, 1, "rule-1");

    assertThatThrownBy(
            () -> scores.write(project, traceId(2), evaluation("judge", fired.getTriggerId())))
        .isInstanceOf(InvalidScoreException.class)
        .hasMessage(
            "trigger_id '"
                + fired.getTriggerId()
                + "' was not fired for trace "
                + traceId(2)
                + "; give a trigger_id of the trace's fired_triggers, or none")
        .extracting(e -> ((InvalidScoreException) e).field())
        .isEqualTo("trigger_id");
    NewScore wrongRevision =
        new NewScore(
            "judge",
            null,
            fired.getTriggerId(),
            2,
            true,
            null,
            null,
            null,
            ScoreSource.EVALUATION,
            null);
    assertThatThrownBy(() -> scores.write(project, traceId(1), wrongRevision))
        .isInstanceOf(InvalidScoreException.class)
        .hasMessage(
            "revision 2 is not the revision of trigger "
                + fired.getTriggerId()
                + " (1); omit revision to take the trigger's");
    assertThat(scores.write(project, traceId(9), evaluation("judge", null))).isEmpty();
    assertThat(scores.write(newProject(), traceId(1), evaluation("judge", null))).isEmpty();
    assertThat(store.findTrace(project, traceId(1)).orElseThrow().scores().count()).isZero();
    assertThatThrownBy(
            () ->
                new NewScore(
                    "judge", null, null, null, null, null, null, "why", ScoreSource.CUSTOM, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a score needs at least one of passed, value and label");
  }

  @Test
  void theLatestScoreOfAnEvaluatorIsOfItsHighestRevisionThenTheNewest() {
    String project = newProject();
    complete(project, 1, 1, null);
    complete(project, 1, 2, null);

    TraceScore onRevision2 = write(project, 1, custom("judge", 2, true, 0.9, "good"));
    // a slow evaluator's verdict on revision 1 arrives later: revision 2's stays the latest
    write(project, 1, custom("judge", 1, false, 0.1, "bad"));
    TraceScore newest = write(project, 1, custom("judge", null, false, 0.3, "meh"));

    TraceScores summary = store.findTrace(project, traceId(1)).orElseThrow().scores();
    assertThat(newest.revision()).as("the trace's revision by default").isEqualTo(2);
    assertThat(summary.count()).isEqualTo(3);
    assertThat(summary.latest().get("judge").id()).isEqualTo(newest.id());
    assertThat(summary.failedCount()).isEqualTo(1);
    assertThat(summary.passedCount()).isZero();
    assertThat(ids(project, TraceFilter.builder().passed(true).build())).isEmpty();
    assertThat(ids(project, TraceFilter.builder().labels(List.of("good", "bad")).build()))
        .isEmpty();
    assertThat(ids(project, TraceFilter.builder().labels(List.of("meh")).build()))
        .containsExactly(traceId(1));
    assertThat(onRevision2.revision()).isEqualTo(2);
  }

  @Test
  void scoreFiltersInSqlAgreeWithTheFilterInMemory() {
    String project = newProject();
    // 1: judge fails, 2: judge passes 0.8 + critic fails, 3: judge value only, 4: no score,
    // 5: triggered and not scored (pending), 6: triggered and scored
    for (int n = 1; n <= 4; n++) {
      complete(project, n, 1, null);
    }
    complete(project, 5, 1, "rule-1");
    EvaluationTrigger answered = complete(project, 6, 1, "rule-1");
    write(project, 1, custom("judge", null, false, 0.1, "wrong"));
    write(project, 2, custom("judge", null, true, 0.8, "right"));
    write(project, 2, custom("critic", null, false, null, "verbose"));
    write(project, 3, custom("judge", null, null, 0.5, null));
    write(project, 6, evaluation("judge", answered.getTriggerId()));

    check(project, "evaluator=judge", 1, 2, 3, 6);
    check(project, "evaluator=critic,other", 2);
    check(project, "passed=false", 1, 2, 6);
    check(project, "passed=true", 2);
    check(project, "evaluator=judge&passed=false", 1, 6);
    check(project, "evaluator=critic&passed=true");
    check(project, "evaluator=judge&min_score=0.5", 2, 3);
    check(project, "evaluator=judge&max_score=0.5", 1, 3, 6);
    check(project, "evaluator=judge&min_score=0.51&max_score=0.79");
    check(project, "label=wrong,verbose", 1, 2);
    check(project, "label=verbose&evaluator=judge");
    check(project, "score_pending=true", 5);
    check(project, "score_pending=false", 1, 2, 3, 4, 6);
    check(project, "score_pending=false&passed=false&evaluator=critic", 2);
  }

  @Test
  void sortsByTheValueOfOneEvaluatorsLatestScoreWithKeysetPaging() {
    String project = newProject();
    double[] values = {0.5, -2, 0.5, 3, 0.25};
    for (int n = 0; n < values.length; n++) {
      complete(project, n, 1, null);
      write(project, n, custom("judge", null, null, values[n], null));
    }
    complete(project, 7, 1, null);
    write(project, 7, custom("judge", null, true, null, null)); // no value: lowest
    complete(project, 8, 1, null);
    write(project, 8, custom("critic", null, null, 99.0, null)); // another evaluator: not listed
    TraceFilter judge = TraceFilter.builder().evaluators(List.of("judge")).build();

    for (TraceSort.Order order : TraceSort.Order.values()) {
      TraceSort sort = new TraceSort(TraceSort.Field.SCORE, order);
      List<String> expected =
          order == TraceSort.Order.ASC
              ? List.of(traceId(7), traceId(1), traceId(4), traceId(0), traceId(2), traceId(3))
              : List.of(traceId(3), traceId(2), traceId(0), traceId(4), traceId(1), traceId(7));
      List<String> byCursor = new ArrayList<>();
      // pages of one: a cursor after every trace, the one without a value (-Infinity) included
      TracePage page = store.listTraces(project, TraceQuery.page(judge, sort, 1, 1));
      while (true) {
        page.traces().forEach(t -> byCursor.add(t.rollup().getTraceId()));
        assertThat(page.totalCount()).isEqualTo(6);
        if (page.next() == null) {
          break;
        }
        page = store.listTraces(project, TraceQuery.after(judge, sort, page.next(), 1));
      }
      assertThat(byCursor).as("%s", order).isEqualTo(expected);
      assertThat(
              store.listTraces(project, TraceQuery.page(judge, sort, 2, 4)).traces().stream()
                  .map(t -> t.rollup().getTraceId()))
          .containsExactlyElementsOf(expected.subList(4, 6));
    }
    assertThatThrownBy(
            () ->
                TraceQuery.page(
                    TraceFilter.ALL,
                    new TraceSort(TraceSort.Field.SCORE, TraceSort.Order.ASC),
                    1,
                    10))
        .isInstanceOf(IllegalArgumentException.class);
    for (double value : new double[] {-1e300, -1, -0.0, 0, 1e-9, 1, Double.MAX_VALUE}) {
      assertThat(TraceSort.scoreOfSortKey(TraceSort.scoreSortKey(value)))
          .isEqualTo(value == 0 ? 0.0 : value);
    }
    assertThat(TraceSort.scoreSortKey(-1.0)).isLessThan(TraceSort.scoreSortKey(-0.5));
    assertThat(TraceSort.scoreSortKey(null)).isLessThan(TraceSort.scoreSortKey(-Double.MAX_VALUE));
  }

  @Test
  void aScoreArrivingLaterPutsTheTraceInTheQueuesItNowMatchesOncePerQueue() {
    String project = newProject();
    AnnotationQueueStore queues = store.annotationQueues();
    AnnotationQueue failed = queue(project, Map.of("passed", List.of("false")), 100);
    AnnotationQueue judgeFailed =
        queue(project, Map.of("evaluator", List.of("judge"), "passed", List.of("false")), 100);
    AnnotationQueue neverSampled = queue(project, Map.of("passed", List.of("false")), 0);
    AnnotationQueue noScoreFilter = queue(project, Map.of(), 100);
    AnnotationQueue stillPending = queue(project, Map.of("score_pending", List.of("true")), 100);
    EvaluationTrigger fired = complete(project, 1, 1, "rule-1");
    complete(project, 2, 1, null);
    // a trace never completed (revision 0) joins no queue
    store.writeSpans(List.of(root(project, traceId(3), 1, 0)));

    ScoreWrite critic =
        scores.write(project, traceId(1), custom("critic", null, false, null, null)).orElseThrow();
    ScoreWrite judge =
        scores.write(project, traceId(1), evaluation("judge", fired.getTriggerId())).orElseThrow();
    ScoreWrite again =
        scores.write(project, traceId(1), custom("judge", null, false, null, null)).orElseThrow();
    ScoreWrite passing =
        scores.write(project, traceId(2), custom("judge", null, true, null, null)).orElseThrow();
    ScoreWrite inProgress =
        scores.write(project, traceId(3), custom("judge", null, false, null, null)).orElseThrow();

    assertThat(critic.queueIds()).containsExactlyInAnyOrder(failed.id(), stillPending.id());
    assertThat(judge.queueIds()).containsExactly(judgeFailed.id());
    assertThat(again.queueIds()).isEmpty();
    assertThat(passing.queueIds()).isEmpty();
    assertThat(inProgress.queueIds()).isEmpty();
    assertThat(itemIds(queues, project, failed)).containsExactly(traceId(1));
    assertThat(itemIds(queues, project, judgeFailed)).containsExactly(traceId(1));
    assertThat(queues.items(project, failed.id(), null, 1, 10).items().get(0).revision())
        .isEqualTo(1);
    assertThat(itemIds(queues, project, neverSampled)).isEmpty();
    assertThat(itemIds(queues, project, noScoreFilter))
        .as("judged at completion only (whose decider here adds no item)")
        .isEmpty();
    assertThat(itemIds(queues, project, stillPending))
        .as("trace 1 was pending when the critic scored it")
        .containsExactly(traceId(1));
  }

  @Test
  void theDeciderSeesScoresAndTheTriggersNoScoreAnswers() {
    String project = newProject();
    EvaluationTrigger fired = complete(project, 1, 1, "rule-1");
    write(project, 1, custom("judge", null, false, 0.0, null));
    AtomicReference<StoredTrace> seen = new AtomicReference<>();

    store.writeCompleted(
        completed(List.of(root(project, traceId(1), 1, 0)), 2),
        t -> {
          seen.set(t);
          return CompletionDecision.NONE;
        });

    assertThat(seen.get().scores().pendingTriggers()).isEqualTo(1);
    assertThat(seen.get().scores().failedCount()).isEqualTo(1);
    assertThat(
            TraceFilterParams.parse(
                    Map.of("passed", List.of("false"), "score_pending", List.of("true")),
                    Instant.now())
                .matches(seen.get()))
        .isTrue();
    write(project, 1, evaluation("judge", fired.getTriggerId()));
    assertThat(store.findTrace(project, traceId(1)).orElseThrow().scores().pendingTriggers())
        .isZero();
    StoredTrace listed =
        store
            .listTraces(project, TraceQuery.page(TraceFilter.ALL, TraceSort.DEFAULT, 1, 10))
            .traces()
            .get(0);
    assertThat(listed.scores().count()).isEqualTo(2);
    assertThat(listed.scores().pendingTriggers()).as("not loaded in listings").isNull();
    assertThatThrownBy(() -> TraceFilter.builder().scorePending(true).build().matches(listed))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void countsTriggersNoScoreAnswersOfRulesThatScoresAnswer() {
    String project = newProject();
    EvaluationTrigger answered = complete(project, 1, 1, "scored-rule");
    complete(project, 2, 1, "scored-rule");
    complete(project, 3, 1, "scored-rule");
    // a rule whose evaluator writes no scores never counts
    complete(project, 4, 1, "annotating-rule");
    Instant from = FIRED.minusSeconds(60);
    Instant before = FIRED.plusSeconds(60);
    long othersBefore = scores.countUnansweredTriggers(from, before, 10_000);

    write(project, 1, evaluation("judge", answered.getTriggerId()));

    assertThat(scores.countUnansweredTriggers(from, before, 10_000) - othersBefore).isEqualTo(2);
    assertThat(scores.countUnansweredTriggers(from, before, 1)).isEqualTo(1);
    assertThat(scores.countUnansweredTriggers(before, before.plusSeconds(60), 10)).isZero();
  }

  @Test
  void countsNewScoresPerEvaluatorSourceAndVerdict() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String project = newProject();
    EvaluationTrigger fired = complete(project, 1, 1, "rule-1");
    try (TraceStore metered = TraceStore.open(database.settings(), registry)) {
      ScoreStore counted = metered.scores();
      counted.write(project, traceId(1), evaluation("judge", fired.getTriggerId()));
      counted.write(project, traceId(1), evaluation("judge", fired.getTriggerId()));
      counted.write(project, traceId(1), custom("judge", null, true, null, null));
      counted.write(project, traceId(1), custom("judge", null, null, 1.0, null));
    }

    assertThat(
            count(
                registry, "tracefold.scores.written", "evaluator", "judge", "source", "evaluation"))
        .isEqualTo(1);
    assertThat(
            count(registry, "tracefold.scores.written", "evaluator", "judge", "source", "custom"))
        .isEqualTo(2);
    assertThat(
            count(registry, "tracefold.scores.verdicts", "evaluator", "judge", "verdict", "failed"))
        .isEqualTo(1);
    assertThat(
            count(registry, "tracefold.scores.verdicts", "evaluator", "judge", "verdict", "passed"))
        .isEqualTo(1);
  }

  @Test
  void scoresGoWithTheirTrace() throws SQLException {
    String project = newProject();
    complete(project, 1, 1, null);
    write(project, 1, custom("judge", null, true, null, null));

    assertThat(store.curation().deleteTrace(project, traceId(1))).isTrue();

    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement("SELECT count(*) FROM scores WHERE project_id = ?")) {
      statement.setString(1, project);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        assertThat(rows.getInt(1)).isZero();
      }
    }
  }

  /** Lists with the parsed parameters and checks the filter in memory on every trace found. */
  private static void check(String project, String query, int... expected) {
    Map<String, List<String>> params = new java.util.TreeMap<>();
    for (String pair : query.split("&")) {
      String[] parts = pair.split("=", 2);
      params.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(parts[1]);
    }
    TraceFilter filter = TraceFilterParams.parse(params, Instant.now());
    List<String> wanted = new ArrayList<>();
    for (int n : expected) {
      wanted.add(traceId(n));
    }
    assertThat(ids(project, filter)).as(query).containsExactlyInAnyOrderElementsOf(wanted);
    List<String> inMemory = new ArrayList<>();
    for (int n = 0; n < 10; n++) {
      store
          .findTrace(project, traceId(n))
          .filter(filter::matches)
          .ifPresent(t -> inMemory.add(t.rollup().getTraceId()));
    }
    assertThat(inMemory).as("%s in memory", query).containsExactlyInAnyOrderElementsOf(wanted);
  }

  private static List<String> ids(String project, TraceFilter filter) {
    return store
        .listTraces(project, TraceQuery.page(filter, TraceSort.DEFAULT, 1, 100))
        .traces()
        .stream()
        .map(t -> t.rollup().getTraceId())
        .toList();
  }

  /** Stores a revision of trace n, firing a trigger of {@code ruleId} (none when null). */
  private static EvaluationTrigger complete(String project, int n, int revision, String ruleId) {
    CompletedTrace trace = completed(List.of(root(project, traceId(n), 1, n)), revision);
    EvaluationTrigger fired = ruleId == null ? null : trigger(trace, ruleId);
    store.writeCompleted(
        trace,
        t -> fired == null ? CompletionDecision.NONE : CompletionDecision.fire(List.of(fired)));
    return fired;
  }

  private static TraceScore write(String project, int n, NewScore score) {
    return scores.write(project, traceId(n), score).orElseThrow().score();
  }

  private static NewScore evaluation(String evaluator, String triggerId) {
    return evaluation(evaluator, triggerId, false, 0.0);
  }

  private static NewScore evaluation(
      String evaluator, String triggerId, boolean passed, double value) {
    return new NewScore(
        evaluator,
        "v1",
        triggerId,
        null,
        passed,
        value,
        "bad",
        "because",
        ScoreSource.EVALUATION,
        "worker-1");
  }

  private static NewScore custom(
      String evaluator, Integer revision, Boolean passed, Double value, String label) {
    return new NewScore(
        evaluator, null, null, revision, passed, value, label, null, ScoreSource.CUSTOM, null);
  }

  private static TraceScore withoutReason(TraceScore s) {
    return new TraceScore(
        s.id(),
        s.evaluatorName(),
        s.evaluatorVersion(),
        s.triggerId(),
        s.ruleId(),
        s.revision(),
        s.passed(),
        s.value(),
        s.label(),
        null,
        s.source(),
        s.createdBy(),
        s.createdEpochMillis());
  }

  private static AnnotationQueue queue(
      String project, Map<String, List<String>> filter, double percent) {
    return store
        .annotationQueues()
        .create(project, new QueueDefinition("q", null, true, TraceSelection.of(filter, percent)));
  }

  private static List<String> itemIds(
      AnnotationQueueStore queues, String project, AnnotationQueue queue) {
    return queues.items(project, queue.id(), null, 1, 100).items().stream()
        .map(item -> item.trace().rollup().getTraceId())
        .toList();
  }

  private static double count(SimpleMeterRegistry registry, String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }
}

package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.completed;
import static dev.tracefold.store.TestTraces.newProject;
import static dev.tracefold.store.TestTraces.root;
import static dev.tracefold.store.TestTraces.traceId;
import static dev.tracefold.store.TestTraces.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.store.evaluation.AnnotationQueue;
import dev.tracefold.store.evaluation.AnnotationQueueItem;
import dev.tracefold.store.evaluation.DecidedTrigger;
import dev.tracefold.store.evaluation.FiredTrigger;
import dev.tracefold.store.evaluation.PendingTriggerStore;
import dev.tracefold.store.evaluation.QueueDefinition;
import dev.tracefold.store.evaluation.QueueItemStatus;
import dev.tracefold.store.evaluation.RuleTurn;
import dev.tracefold.store.evaluation.TraceSelection;
import dev.tracefold.store.sql.Transactions;
import dev.tracefold.store.trace.CompletedWrite;
import dev.tracefold.store.trace.CompletionDecider;
import dev.tracefold.store.trace.CompletionDecision;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@link TraceStore#writeCompleted} records of a decision, and the claim protocol of {@link
 * PendingTriggerStore}, on a real embedded PostgreSQL.
 */
class CompletionDecisionIT {
  private static final long NOW = 1_763_000_000_000L;

  @RegisterExtension static final TestDatabase database = new TestDatabase();
  private static TraceStore store;

  @BeforeAll
  static void start() {
    store = database.store();
  }

  @Test
  void aReplayedRevisionPublishesWhatEarlierAttemptsRecordedPlusWhatIsDecidedNow() {
    String project = newProject();
    CompletedTrace revision1 = completed(List.of(root(project, traceId(1), 1, 0)), 1);
    EvaluationTrigger first = trigger(revision1, "rule-a");
    EvaluationTrigger second = trigger(revision1, "rule-b");

    CompletedWrite attempt1 = store.writeCompleted(revision1, t -> decide(first, RuleTurn.FIRST));
    // the publication failed; the replay meets another rule set (rule-a deleted, rule-b created)
    CompletedWrite attempt2 = store.writeCompleted(revision1, t -> decide(second, RuleTurn.EVERY));

    assertThat(attempt1.current()).isTrue();
    assertThat(attempt1.triggers()).containsExactly(first);
    assertThat(attempt2.current()).isTrue();
    // recorded triggers of one revision share fired_at and come in trigger id order, and the ids
    // derive from a random project id: the order of the two is not part of the contract
    assertThat(attempt2.triggers()).containsExactlyInAnyOrder(first, second);
    assertThat(store.findTrace(project, traceId(1)).orElseThrow().firedTriggers())
        .extracting(FiredTrigger::ruleId, FiredTrigger::turn)
        .containsExactlyInAnyOrder(
            tuple("rule-a", RuleTurn.FIRST), tuple("rule-b", RuleTurn.EVERY));
  }

  @Test
  void aStaleRevisionAsksNoRuleAndPublishesWhatWasRecordedForIt() {
    String project = newProject();
    CompletedTrace revision1 = completed(List.of(root(project, traceId(2), 1, 0)), 1);
    CompletedTrace revision2 = completed(List.of(root(project, traceId(2), 1, 0)), 2);
    EvaluationTrigger recorded = trigger(revision1, "rule-a");
    store.writeCompleted(revision1, t -> decide(recorded, RuleTurn.EVERY));
    store.writeCompleted(revision2, t -> CompletionDecision.NONE);
    AtomicInteger asked = new AtomicInteger();

    CompletedWrite stale =
        store.writeCompleted(
            revision1,
            t -> {
              asked.incrementAndGet();
              return CompletionDecision.NONE;
            });

    assertThat(stale.current()).isFalse();
    assertThat(stale.triggers()).containsExactly(recorded);
    assertThat(asked).hasValue(0);
  }

  @Test
  void aNewerRevisionDropsUnclaimedTurnLastTriggersOfOlderOnesButNotClaimedOnes() {
    String project = newProject();
    String trace = traceId(3);
    CompletedTrace revision1 = completed(List.of(root(project, trace, 1, 0)), 1);
    CompletedTrace revision2 = completed(List.of(root(project, trace, 1, 0)), 2);
    CompletedTrace revision3 = completed(List.of(root(project, trace, 1, 0)), 3);
    store.writeCompleted(revision1, t -> last(trigger(revision1, "late-rule"), NOW));
    assertThat(waiting(project, trace)).containsExactly(1);

    // revision 2 matches no rule of turn last: revision 1 is no longer the last
    store.writeCompleted(revision2, t -> CompletionDecision.NONE);
    assertThat(waiting(project, trace)).isEmpty();

    store.writeCompleted(revision3, t -> last(trigger(revision3, "late-rule"), NOW));
    List<EvaluationTrigger> claimed =
        store.pendingTriggers().claim("sink-a", 0, 0, NOW, 10, (p, r) -> true);
    assertThat(claimed).extracting(EvaluationTrigger::getRevision).containsExactly(3);
    assertThat(claimed.get(0).getFiredEpochMillis()).isEqualTo(NOW);
    // a replay of revision 3 schedules nothing more, and revision 4 cannot take back the claim
    store.writeCompleted(revision3, t -> last(trigger(revision3, "late-rule"), NOW));
    CompletedTrace revision4 = completed(List.of(root(project, trace, 1, 0)), 4);
    store.writeCompleted(revision4, t -> CompletionDecision.NONE);
    assertThat(waiting(project, trace)).isEmpty();
    assertThat(store.pendingTriggers().claim("sink-a", 0, 0, NOW, 10, (p, r) -> true))
        .containsExactlyElementsOf(claimed);
    assertThat(store.pendingTriggers().claim("sink-a", 1, 1, NOW, 10, (p, r) -> true)).isEmpty();
  }

  @Test
  void aRevisionReplayedAfterItsTurnLastTriggerWasPublishedDoesNotScheduleItAgain() {
    String project = newProject();
    String trace = traceId(8);
    CompletedTrace revision1 = completed(List.of(root(project, trace, 1, 0)), 1);
    store.writeCompleted(revision1, t -> last(trigger(revision1, "late-rule"), NOW));
    assertThat(store.pendingTriggers().claim("sink-d", 0, 0, NOW, 10, (p, r) -> true)).hasSize(1);
    assertThat(store.pendingTriggers().claim("sink-d", 1, 1, NOW, 10, (p, r) -> true)).isEmpty();

    store.writeCompleted(revision1, t -> last(trigger(revision1, "late-rule"), NOW));

    assertThat(waiting(project, trace)).isEmpty();
  }

  @Test
  void theClaimProtocolRepublishesUnpublishedClaimsAndDropsPublishedOnes() {
    String project = newProject();
    String due = traceId(4);
    String notDue = traceId(5);
    String inactive = traceId(6);
    CompletedTrace dueTrace = completed(List.of(root(project, due, 1, 0)), 1);
    CompletedTrace notDueTrace = completed(List.of(root(project, notDue, 1, 0)), 1);
    CompletedTrace inactiveTrace = completed(List.of(root(project, inactive, 1, 0)), 1);
    store.writeCompleted(dueTrace, t -> last(trigger(dueTrace, "r1"), NOW));
    store.writeCompleted(notDueTrace, t -> last(trigger(notDueTrace, "r1"), NOW + 60_000));
    store.writeCompleted(inactiveTrace, t -> last(trigger(inactiveTrace, "gone"), NOW));
    PendingTriggerStore pending = store.pendingTriggers();
    long waitingBefore = pending.countWaiting();

    // round 0: the due trigger of an active rule is claimed and recorded; the deleted rule's
    // dropped
    List<EvaluationTrigger> round0 =
        pending.claim("sink-b", 0, 0, NOW, 10, (p, rule) -> !rule.equals("gone"));
    assertThat(round0).extracting(EvaluationTrigger::getTraceId).containsExactly(due);
    assertThat(store.findTrace(project, due).orElseThrow().firedTriggers())
        .extracting(FiredTrigger::ruleId, FiredTrigger::turn)
        .containsExactly(tuple("r1", RuleTurn.LAST));
    assertThat(store.findTrace(project, inactive).orElseThrow().firedTriggers()).isEmpty();
    assertThat(pending.countWaiting()).isEqualTo(waitingBefore - 2);

    // round 0 was not published (marker still 0): the next round publishes the same trigger again
    assertThat(pending.claim("sink-b", 0, 0, NOW, 10, (p, r) -> true)).isEqualTo(round0);
    // another instance never sees a claim of sink-b
    assertThat(pending.claim("sink-c", 0, 0, NOW, 10, (p, r) -> true))
        .extracting(EvaluationTrigger::getTraceId)
        .doesNotContain(due);
    // round 0 was published (marker 1): it is dropped, nothing is due
    assertThat(pending.claim("sink-b", 1, 1, NOW, 10, (p, r) -> true)).isEmpty();
    assertThat(pending.claim("sink-b", 1, 1, NOW + 60_000, 10, (p, r) -> true))
        .extracting(EvaluationTrigger::getTraceId)
        .containsExactly(notDue);
  }

  @Test
  void aTraceBecomesAnItemOfEachExistingQueueOnceAtItsFirstRevision() {
    String project = newProject();
    String trace = traceId(7);
    AnnotationQueue queue =
        store
            .annotationQueues()
            .create(
                project,
                new QueueDefinition("review", null, true, TraceSelection.of(Map.of(), 100)));
    CompletedTrace revision1 = completed(List.of(root(project, trace, 1, 0)), 1);
    CompletedTrace revision2 = completed(List.of(root(project, trace, 1, 0)), 2);
    List<String> queues = List.of(queue.id(), "deleted-queue");

    store.writeCompleted(revision1, t -> new CompletionDecision(List.of(), queues));
    store.writeCompleted(revision2, t -> new CompletionDecision(List.of(), queues));

    assertThat(store.annotationQueues().items(project, queue.id(), null, 1, 10).items())
        .extracting(AnnotationQueueItem::revision, AnnotationQueueItem::status)
        .containsExactly(tuple(1, QueueItemStatus.PENDING));
  }

  /**
   * One call with revisions of several traces (two revisions of one, a stale one bringing a new
   * span, one behind a late span, queues, triggers of every turn) stores and returns what the same
   * revisions stored one at a time do.
   */
  @Test
  void aBatchOfRevisionsStoresWhatTheSameRevisionsStoreOneAtATime() {
    String oneByOne = newProject();
    String batched = newProject();
    AnnotationQueue queueA = store.annotationQueues().create(oneByOne, queueDefinition());
    AnnotationQueue queueB = store.annotationQueues().create(batched, queueDefinition());

    List<CompletedWrite> single = new ArrayList<>();
    for (Batch.Item item : batchFor(oneByOne, queueA.id()).items()) {
      single.add(store.writeCompleted(item.trace(), item.decider()));
    }
    Batch batch = batchFor(batched, queueB.id());
    List<CompletedWrite> together =
        store.writeCompleted(
            batch.items().stream().map(Batch.Item::trace).toList(), batch::deciderOf);

    assertThat(together).hasSameSizeAs(single);
    for (int i = 0; i < single.size(); i++) {
      assertThat(together.get(i).current()).as("current %s", i).isEqualTo(single.get(i).current());
      assertThat(together.get(i).triggers())
          .as("triggers %s", i)
          .extracting(EvaluationTrigger::getRuleId, EvaluationTrigger::getRevision)
          .containsExactlyInAnyOrderElementsOf(
              single.get(i).triggers().stream()
                  .map(t -> tuple(t.getRuleId(), t.getRevision()))
                  .toList());
    }
    for (int n = 20; n <= 23; n++) {
      StoredTrace a = store.findTrace(oneByOne, traceId(n)).orElseThrow();
      StoredTrace b = store.findTrace(batched, traceId(n)).orElseThrow();
      assertThat(List.of(b.state(), b.revision(), b.rollup().getSpanCount(), b.spans().size()))
          .as("trace %s", n)
          .isEqualTo(List.of(a.state(), a.revision(), a.rollup().getSpanCount(), a.spans().size()));
      assertThat(b.revisionSpanCount()).isEqualTo(a.revisionSpanCount());
      assertThat(b.firedTriggers())
          .extracting(FiredTrigger::ruleId, FiredTrigger::revision, FiredTrigger::turn)
          .containsExactlyInAnyOrderElementsOf(
              a.firedTriggers().stream()
                  .map(f -> tuple(f.ruleId(), f.revision(), f.turn()))
                  .toList());
      assertThat(waiting(batched, traceId(n))).isEqualTo(waiting(oneByOne, traceId(n)));
    }
    assertThat(store.annotationQueues().items(batched, queueB.id(), null, 1, 10).items())
        .extracting(item -> item.trace().rollup().getTraceId(), AnnotationQueueItem::revision)
        .containsExactlyInAnyOrderElementsOf(
            store.annotationQueues().items(oneByOne, queueA.id(), null, 1, 10).items().stream()
                .map(item -> tuple(item.trace().rollup().getTraceId(), item.revision()))
                .toList())
        .isNotEmpty();
    // what the scenario is meant to produce, so that both paths cannot agree on nothing
    assertThat(single)
        .extracting(CompletedWrite::current)
        .containsExactly(false, true, true, true, true);
    assertThat(store.findTrace(batched, traceId(22)).orElseThrow().state())
        .isEqualTo(TraceState.IN_PROGRESS);
    assertThat(store.findTrace(batched, traceId(21)).orElseThrow().revision()).isEqualTo(2);
  }

  private static QueueDefinition queueDefinition() {
    return new QueueDefinition("review", null, true, TraceSelection.of(Map.of(), 100));
  }

  /** Revisions and their deciders, in the order a sink would read them. */
  private record Batch(List<Item> items) {
    record Item(CompletedTrace trace, CompletionDecider decider) {}

    CompletionDecider deciderOf(CompletedTrace trace) {
      return items.stream().filter(i -> i.trace() == trace).findFirst().orElseThrow().decider();
    }
  }

  /**
   * Stores the history the batch meets in {@code project} (trace 20 at revision 2, a late span of
   * trace 22) and returns the batch: trace 20 revision 1 (stale, with a span the store lacks),
   * trace 21 revisions 1 and 2, trace 22 revision 1 (the late span stays beyond it), trace 23
   * revision 1 with a turn-last trigger.
   */
  private static Batch batchFor(String project, String queueId) {
    String t20 = traceId(20);
    String t21 = traceId(21);
    String t22 = traceId(22);
    String t23 = traceId(23);
    store.writeCompleted(
        completed(List.of(root(project, t20, 1, 0)), 2), t -> CompletionDecision.NONE);
    store.writeSpans(List.of(root(project, t22, 9, 50)));
    CompletedTrace stale =
        completed(List.of(root(project, t20, 1, 0), TestTraces.llmChild(project, t20, 2, 1, 5)), 1);
    CompletedTrace first = completed(List.of(root(project, t21, 1, 0)), 1);
    CompletedTrace second =
        completed(List.of(root(project, t21, 1, 0), TestTraces.llmChild(project, t21, 2, 1, 5)), 2);
    CompletedTrace behind = completed(List.of(root(project, t22, 1, 0)), 1);
    CompletedTrace lastTurn = completed(List.of(root(project, t23, 1, 0)), 1);
    return new Batch(
        List.of(
            new Batch.Item(stale, t -> decide(trigger(stale, "every"), RuleTurn.EVERY)),
            new Batch.Item(
                first,
                t ->
                    new CompletionDecision(
                        List.of(DecidedTrigger.now(trigger(first, "first"), RuleTurn.FIRST)),
                        List.of(queueId))),
            new Batch.Item(second, t -> decide(trigger(second, "every"), RuleTurn.EVERY)),
            new Batch.Item(behind, t -> decide(trigger(behind, "every"), RuleTurn.EVERY)),
            new Batch.Item(
                lastTurn,
                // due long after NOW: claims of the other tests (due at NOW) must not take it
                t -> last(trigger(lastTurn, "late-rule"), NOW + 864_000_000L))));
  }

  private static CompletionDecision decide(EvaluationTrigger trigger, RuleTurn turn) {
    return new CompletionDecision(List.of(DecidedTrigger.now(trigger, turn)), List.of());
  }

  private static CompletionDecision last(EvaluationTrigger trigger, long dueEpochMillis) {
    return new CompletionDecision(
        List.of(new DecidedTrigger(trigger, RuleTurn.LAST, dueEpochMillis)), List.of());
  }

  /** Revisions of the trace with unclaimed pending triggers. */
  private static List<Integer> waiting(String project, String trace) {
    return new Transactions(store.dataSource())
        .read(
            "read pending triggers",
            connection -> {
              try (var statement =
                  connection.prepareStatement(
                      "SELECT revision FROM pending_triggers WHERE project_id = ? AND trace_id = ?"
                          + " AND claimed_by IS NULL ORDER BY revision")) {
                statement.setString(1, project);
                statement.setString(2, trace);
                try (var rows = statement.executeQuery()) {
                  List<Integer> revisions = new java.util.ArrayList<>();
                  while (rows.next()) {
                    revisions.add(rows.getInt(1));
                  }
                  return revisions;
                }
              }
            });
  }
}

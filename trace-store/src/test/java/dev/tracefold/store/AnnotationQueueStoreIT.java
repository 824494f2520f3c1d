package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.completed;
import static dev.tracefold.store.TestTraces.newProject;
import static dev.tracefold.store.TestTraces.root;
import static dev.tracefold.store.TestTraces.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.store.evaluation.AnnotationQueue;
import dev.tracefold.store.evaluation.AnnotationQueueItem;
import dev.tracefold.store.evaluation.AnnotationQueueStore;
import dev.tracefold.store.evaluation.QueueDefinition;
import dev.tracefold.store.evaluation.QueueItemStatus;
import dev.tracefold.store.evaluation.TraceSelection;
import dev.tracefold.store.trace.CompletionDecision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AnnotationQueueStore} against a real PostgreSQL, items added by completed traces. */
class AnnotationQueueStoreIT {
  @RegisterExtension static final TestDatabase database = new TestDatabase();
  private static TraceStore store;
  private static AnnotationQueueStore queues;

  @BeforeAll
  static void start() {
    store = database.store();
    queues = store.annotationQueues();
  }

  @Test
  void createsFindsUpdatesListsAndDeletesAQueue() {
    String project = newProject();
    QueueDefinition review =
        new QueueDefinition(
            "review",
            "failed runs",
            true,
            TraceSelection.of(Map.of("status", List.of("ERROR")), 5));

    AnnotationQueue created = queues.create(project, review);

    assertThat(created.definition()).isEqualTo(review);
    assertThat(created.pendingCount()).isZero();
    assertThat(created.doneCount()).isZero();
    assertThat(queues.find(project, created.id())).contains(created);

    QueueDefinition renamed =
        new QueueDefinition("renamed", null, false, TraceSelection.of(Map.of(), 100));
    AnnotationQueue updated = queues.update(project, created.id(), renamed).orElseThrow();

    assertThat(updated.definition()).isEqualTo(renamed);
    assertThat(updated.createdEpochMillis()).isEqualTo(created.createdEpochMillis());
    assertThat(queues.list(project, 1, 10).items()).containsExactly(updated);
    assertThat(queues.list(project, 1, 10).hasMore()).isFalse();

    String other = newProject();
    assertThat(queues.find(other, created.id())).isEmpty();
    assertThat(queues.update(other, created.id(), review)).isEmpty();
    assertThat(queues.delete(other, created.id())).isFalse();

    assertThat(queues.delete(project, created.id())).isTrue();
    assertThat(queues.find(project, created.id())).isEmpty();
    assertThat(queues.delete(project, created.id())).isFalse();
  }

  @Test
  void listsTheEnabledQueuesOfEveryProject() {
    String projectA = newProject();
    String projectB = newProject();
    AnnotationQueue onA = queues.create(projectA, definition("on", true));
    queues.create(projectA, definition("off", false));
    AnnotationQueue onB = queues.create(projectB, definition("on", true));

    List<AnnotationQueue> enabled =
        queues.listEnabled().stream()
            .filter(q -> q.projectId().equals(projectA) || q.projectId().equals(projectB))
            .toList();

    assertThat(enabled).containsExactlyInAnyOrder(onA, onB);
  }

  @Test
  void completedTracesBecomeItemsThatReviewersMarkDoneAndPendingAgain() {
    String project = newProject();
    AnnotationQueue queue = queues.create(project, definition("review", true));
    AnnotationQueue untouched = queues.create(project, definition("other", true));
    addToQueues(project, 1, queue.id());
    addToQueues(project, 2, queue.id());
    // a revision 2 of a trace already queued keeps its item (and its revision 1)
    store.writeCompleted(
        completed(List.of(root(project, traceId(1), 1, 0)), 2),
        stored -> new CompletionDecision(List.of(), List.of(queue.id())));

    Page<AnnotationQueueItem> all = queues.items(project, queue.id(), null, 1, 10);

    assertThat(all.items())
        .extracting(item -> item.trace().rollup().getTraceId())
        .containsExactlyInAnyOrder(traceId(1), traceId(2));
    AnnotationQueueItem first = item(all, traceId(1));
    assertThat(first.queueId()).isEqualTo(queue.id());
    assertThat(first.revision()).isEqualTo(1);
    assertThat(first.trace().revision()).isEqualTo(2);
    assertThat(first.status()).isEqualTo(QueueItemStatus.PENDING);
    assertThat(first.doneEpochMillis()).isNull();
    assertThat(first.doneBy()).isNull();
    assertThat(queues.find(project, queue.id()).orElseThrow().pendingCount()).isEqualTo(2);
    assertThat(queues.find(project, untouched.id()).orElseThrow().pendingCount()).isZero();

    AnnotationQueueItem done =
        queues
            .setItemStatus(project, queue.id(), traceId(1), QueueItemStatus.DONE, "ana")
            .orElseThrow();

    assertThat(done.status()).isEqualTo(QueueItemStatus.DONE);
    assertThat(done.doneBy()).isEqualTo("ana");
    assertThat(done.doneEpochMillis()).isNotNull();
    assertThat(done.revision()).isEqualTo(1);
    assertThat(done.trace().rollup().getTraceId()).isEqualTo(traceId(1));
    AnnotationQueue counted = queues.find(project, queue.id()).orElseThrow();
    assertThat(counted.pendingCount()).isEqualTo(1);
    assertThat(counted.doneCount()).isEqualTo(1);
    assertThat(queues.list(project, 1, 10).items())
        .filteredOn(q -> q.id().equals(queue.id()))
        .extracting(AnnotationQueue::doneCount)
        .containsExactly(1L);
    assertThat(queues.items(project, queue.id(), QueueItemStatus.DONE, 1, 10).items())
        .containsExactly(done);
    assertThat(queues.items(project, queue.id(), QueueItemStatus.PENDING, 1, 10).items())
        .extracting(item -> item.trace().rollup().getTraceId())
        .containsExactly(traceId(2));
    // marking it done again keeps the first done time
    assertThat(
            queues
                .setItemStatus(project, queue.id(), traceId(1), QueueItemStatus.DONE, "bo")
                .orElseThrow()
                .doneEpochMillis())
        .isEqualTo(done.doneEpochMillis());

    AnnotationQueueItem pending =
        queues
            .setItemStatus(project, queue.id(), traceId(1), QueueItemStatus.PENDING, null)
            .orElseThrow();

    assertThat(pending.status()).isEqualTo(QueueItemStatus.PENDING);
    assertThat(pending.doneEpochMillis()).isNull();
    assertThat(pending.doneBy()).isNull();
    assertThat(queues.find(project, queue.id()).orElseThrow().pendingCount()).isEqualTo(2);
    assertThat(queues.setItemStatus(project, queue.id(), traceId(9), QueueItemStatus.DONE, "ana"))
        .isEmpty();
    assertThat(
            queues.setItemStatus(newProject(), queue.id(), traceId(1), QueueItemStatus.DONE, "ana"))
        .isEmpty();
    assertThat(queues.items(newProject(), queue.id(), null, 1, 10).items()).isEmpty();
  }

  @Test
  void pagesItemsInTheOrderTheyWereAdded() {
    String project = newProject();
    AnnotationQueue queue = queues.create(project, definition("review", true));
    for (int n = 1; n <= 3; n++) {
      addToQueues(project, n, queue.id());
    }

    Page<AnnotationQueueItem> first = queues.items(project, queue.id(), null, 1, 2);
    Page<AnnotationQueueItem> second = queues.items(project, queue.id(), null, 2, 2);

    assertThat(first.items()).hasSize(2);
    assertThat(first.hasMore()).isTrue();
    assertThat(second.items()).hasSize(1);
    assertThat(second.hasMore()).isFalse();
    assertThat(
            List.of(
                first.items().get(0).trace().rollup().getTraceId(),
                first.items().get(1).trace().rollup().getTraceId(),
                second.items().get(0).trace().rollup().getTraceId()))
        .containsExactlyInAnyOrder(traceId(1), traceId(2), traceId(3));
  }

  @Test
  void onlyQueuesOfTheTracesProjectThatStillExistTakeIt() throws SQLException {
    String project = newProject();
    String other = newProject();
    AnnotationQueue otherQueue = queues.create(other, definition("elsewhere", true));
    AnnotationQueue queue = queues.create(project, definition("review", true));

    addToQueues(project, 1, queue.id(), otherQueue.id(), "no-such-queue");

    assertThat(countItems(project)).isEqualTo(1);
    assertThat(countItems(other)).isZero();
  }

  @Test
  void deletingAQueueDeletesItsItems() throws SQLException {
    String project = newProject();
    AnnotationQueue queue = queues.create(project, definition("review", true));
    AnnotationQueue kept = queues.create(project, definition("kept", true));
    addToQueues(project, 1, queue.id(), kept.id());
    addToQueues(project, 2, queue.id());

    assertThat(queues.delete(project, queue.id())).isTrue();

    assertThat(countItems(project)).isEqualTo(1);
    assertThat(queues.items(project, queue.id(), null, 1, 10).items()).isEmpty();
    assertThat(queues.items(project, kept.id(), null, 1, 10).items()).hasSize(1);
  }

  @Test
  void anItemGoesWithItsTrace() throws SQLException {
    String project = newProject();
    AnnotationQueue queue = queues.create(project, definition("review", true));
    addToQueues(project, 1, queue.id());
    addToQueues(project, 2, queue.id());

    assertThat(store.curation().deleteTrace(project, traceId(1))).isTrue();

    assertThat(countItems(project)).isEqualTo(1);
    assertThat(queues.items(project, queue.id(), null, 1, 10).items())
        .extracting(item -> item.trace().rollup().getTraceId())
        .containsExactly(traceId(2));
    assertThat(queues.find(project, queue.id()).orElseThrow().pendingCount()).isEqualTo(1);
  }

  /** Stores revision 1 of trace n (one root span), taken by the given queues. */
  private static void addToQueues(String project, int n, String... queueIds) {
    store.writeCompleted(
        completed(List.of(root(project, traceId(n), 1, n * 1000L)), 1),
        stored -> new CompletionDecision(List.of(), List.of(queueIds)));
  }

  private static AnnotationQueueItem item(Page<AnnotationQueueItem> page, String traceId) {
    return page.items().stream()
        .filter(item -> item.trace().rollup().getTraceId().equals(traceId))
        .findFirst()
        .orElseThrow();
  }

  private static long countItems(String project) throws SQLException {
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT count(*) FROM annotation_queue_items WHERE project_id = ?")) {
      statement.setString(1, project);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static QueueDefinition definition(String name, boolean enabled) {
    return new QueueDefinition(name, null, enabled, TraceSelection.of(Map.of(), 100));
  }
}

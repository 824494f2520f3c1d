package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.completed;
import static dev.tracefold.store.TestTraces.llmChild;
import static dev.tracefold.store.TestTraces.newProject;
import static dev.tracefold.store.TestTraces.root;
import static dev.tracefold.store.TestTraces.sorted;
import static dev.tracefold.store.TestTraces.span;
import static dev.tracefold.store.TestTraces.spanId;
import static dev.tracefold.store.TestTraces.traceId;
import static dev.tracefold.store.TestTraces.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanEvent;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.evaluation.FiredTrigger;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.query.TraceSort;
import dev.tracefold.store.trace.CompletedWrite;
import dev.tracefold.store.trace.CompletionDecision;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TracePage;
import dev.tracefold.store.trace.TraceState;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TraceStore} against a real embedded PostgreSQL. */
class TraceStoreIT {
  @TempDir static Path dataDir;

  private static EmbeddedPostgresServer postgres;
  private static StoreSettings settings;
  private static TraceStore store;

  @BeforeAll
  static void startPostgres() {
    postgres = EmbeddedPostgresServer.builder().dataDir(dataDir).build();
    postgres.start();
    settings = new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 4);
    store = TraceStore.open(settings);
  }

  @AfterAll
  static void stopPostgres() {
    if (store != null) {
      store.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void spansCreateAnInProgressTraceWithTheComputedRollup() {
    String project = newProject();
    String trace = traceId(1);
    List<Span> spans =
        List.of(
            llmChild(project, trace, 2, 1, 10),
            root(project, trace, 1, 0),
            llmChild(project, trace, 3, 1, 20));

    Set<TraceKey> changed = store.writeSpans(spans);

    assertThat(changed).containsExactly(new TraceKey(project, trace));
    StoredTrace stored = store.findTrace(project, trace).orElseThrow();
    assertThat(stored.state()).isEqualTo(TraceState.IN_PROGRESS);
    assertThat(stored.revision()).isZero();
    assertThat(stored.completionReason()).isNull();
    assertThat(stored.rollup()).isEqualTo(TraceRollups.compute(project, trace, spans));
    assertThat(stored.rollup().getSpanCount()).isEqualTo(3);
    assertThat(stored.rollup().getCostMicrocents()).isEqualTo(3_000L);
    assertThat(stored.spans()).isEqualTo(sorted(spans));
    assertThat(stored.firedTriggers()).extracting(FiredTrigger::triggerId).isEmpty();
  }

  @Test
  void replayingSpansChangesNothing() throws SQLException {
    String project = newProject();
    String trace = traceId(2);
    List<Span> spans = List.of(root(project, trace, 1, 0), llmChild(project, trace, 2, 1, 10));
    store.writeSpans(spans);
    StoredTrace before = store.findTrace(project, trace).orElseThrow();
    Object updatedAt = updatedAt(project, trace);

    Set<TraceKey> changed = store.writeSpans(spans);
    Set<TraceKey> changedWithDuplicates = store.writeSpans(List.of(spans.get(1), spans.get(1)));

    assertThat(changed).isEmpty();
    assertThat(changedWithDuplicates).isEmpty();
    assertThat(store.findTrace(project, trace)).contains(before);
    assertThat(updatedAt(project, trace)).isEqualTo(updatedAt);
    assertThat(count("spans", project)).isEqualTo(2);
  }

  @Test
  void aBatchRedeliveredWithNewSpansStoresTheNewOnesAndMergesOnlyThem() throws SQLException {
    String project = newProject();
    String stored = traceId(20);
    String fresh = traceId(21);
    Span root = root(project, stored, 1, 0);
    Span firstChild = llmChild(project, stored, 2, 1, 10);
    store.writeSpans(List.of(root, firstChild));
    Span secondChild = llmChild(project, stored, 3, 1, 20);
    Span freshRoot = root(project, fresh, 1, 0);

    // a batch a restarted sink polls again, with spans produced after it: the stored ones
    // conflict, the others must still be stored and merged into their traces' rollups once
    Set<TraceKey> changed = store.writeSpans(List.of(firstChild, secondChild, root, freshRoot));

    assertThat(changed)
        .containsExactlyInAnyOrder(new TraceKey(project, stored), new TraceKey(project, fresh));
    assertThat(count("spans", project)).isEqualTo(4);
    assertThat(store.findTrace(project, stored).orElseThrow().rollup())
        .isEqualTo(TraceRollups.compute(project, stored, List.of(root, firstChild, secondChild)));
    assertThat(store.findTrace(project, fresh).orElseThrow().rollup())
        .isEqualTo(TraceRollups.compute(project, fresh, List.of(freshRoot)));
  }

  @Test
  void duplicatesInsideOneBatchAreStoredOnce() {
    String project = newProject();
    String trace = traceId(3);
    Span root = root(project, trace, 1, 0);

    store.writeSpans(List.of(root, root, llmChild(project, trace, 2, 1, 5), root));

    assertThat(store.findTrace(project, trace).orElseThrow().spans()).hasSize(2);
  }

  @Test
  void inProgressThenCompleteAndReplayOfTheCompletedTraceChangesNothing() throws SQLException {
    String project = newProject();
    String trace = traceId(4);
    List<Span> spans = List.of(root(project, trace, 1, 0), llmChild(project, trace, 2, 1, 10));
    store.writeSpans(spans);
    CompletedTrace revision1 = completed(spans, 1);
    EvaluationTrigger trigger = trigger(revision1);

    assertThat(
            store
                .writeCompleted(revision1, t -> CompletionDecision.fire(List.of(trigger)))
                .current())
        .isTrue();

    StoredTrace stored = store.findTrace(project, trace).orElseThrow();
    assertThat(stored.state()).isEqualTo(TraceState.COMPLETE);
    assertThat(stored.revision()).isEqualTo(1);
    assertThat(stored.completionReason()).isEqualTo(CompletionReason.QUIET);
    assertThat(stored.rollup()).isEqualTo(revision1.getRollup());
    assertThat(stored.spans()).isEqualTo(revision1.getSpans());
    assertThat(stored.firedTriggers())
        .extracting(FiredTrigger::triggerId)
        .containsExactly(trigger.getTriggerId());
    Object updatedAt = updatedAt(project, trace);

    assertThat(
            store
                .writeCompleted(revision1, t -> CompletionDecision.fire(List.of(trigger)))
                .current())
        .isTrue();

    assertThat(store.findTrace(project, trace)).contains(stored);
    assertThat(updatedAt(project, trace)).isEqualTo(updatedAt);
    assertThat(count("fired_triggers", project)).isEqualTo(1);
  }

  @Test
  void completedTraceAloneStoresItsSpansRollupAndTrigger() {
    String project = newProject();
    String trace = traceId(5);
    CompletedTrace revision1 =
        completed(List.of(root(project, trace, 1, 0), llmChild(project, trace, 2, 1, 10)), 1);

    assertThat(
            store
                .writeCompleted(
                    revision1, t -> CompletionDecision.fire(List.of(trigger(revision1))))
                .current())
        .isTrue();

    StoredTrace stored = store.findTrace(project, trace).orElseThrow();
    assertThat(stored.state()).isEqualTo(TraceState.COMPLETE);
    assertThat(stored.spans()).isEqualTo(revision1.getSpans());
    assertThat(stored.firedTriggers())
        .extracting(FiredTrigger::triggerId)
        .containsExactly(trigger(revision1).getTriggerId());
  }

  @Test
  void aPartialRevisionIsMergedWithTheStoredSpans() {
    String project = newProject();
    String trace = traceId(50);
    Span root = root(project, trace, 1, 0);
    Span llm = llmChild(project, trace, 2, 1, 10);
    CompletedTrace revision1 = completed(List.of(root, llm), 1);
    store.writeCompleted(revision1, t -> CompletionDecision.NONE);
    // the stream purged revision 1's spans; a late LLM span comes back alone, flagged partial
    Span late = llmChild(project, trace, 3, 1, 500);
    CompletedTrace partial =
        CompletedTrace.newBuilder(completed(List.of(late), 2)).setPartial(true).build();

    assertThat(store.writeCompleted(partial, t -> CompletionDecision.NONE).current()).isTrue();

    StoredTrace stored = store.findTrace(project, trace).orElseThrow();
    assertThat(stored.revision()).isEqualTo(2);
    assertThat(stored.state()).isEqualTo(TraceState.COMPLETE);
    assertThat(stored.spans())
        .extracting(Span::getSpanId)
        .containsExactly(spanId(1), spanId(2), spanId(3));
    assertThat(stored.rollup().getSpanCount()).isEqualTo(3);
    assertThat(stored.rollup().getRootSpanName()).isEqualTo("agent run");
    assertThat(stored.rollup().getInputTokens()).isEqualTo(200);
    assertThat(stored.rollup().getCostMicrocents()).isEqualTo(3_000L);
  }

  @Test
  void anOlderRevisionNeverReplacesANewerOne() throws SQLException {
    String project = newProject();
    String trace = traceId(6);
    Span root = root(project, trace, 1, 0);
    Span child = llmChild(project, trace, 2, 1, 10);
    CompletedTrace revision1 = completed(List.of(root), 1);
    CompletedTrace revision2 =
        CompletedTrace.newBuilder(completed(List.of(root, child), 2))
            .setCompletionReason(CompletionReason.MAX_SPANS)
            .build();
    assertThat(
            store
                .writeCompleted(
                    revision2, t -> CompletionDecision.fire(List.of(trigger(revision2))))
                .current())
        .isTrue();
    StoredTrace afterRevision2 = store.findTrace(project, trace).orElseThrow();
    Object updatedAt = updatedAt(project, trace);

    CompletedWrite written =
        store.writeCompleted(revision1, t -> CompletionDecision.fire(List.of(trigger(revision1))));

    // a stale revision asks no rule and has nothing recorded to publish
    assertThat(written.current()).isFalse();
    assertThat(written.triggers()).isEmpty();
    StoredTrace stored = store.findTrace(project, trace).orElseThrow();
    assertThat(stored.revision()).isEqualTo(2);
    assertThat(stored.state()).isEqualTo(TraceState.COMPLETE);
    assertThat(stored.completionReason()).isEqualTo(CompletionReason.MAX_SPANS);
    assertThat(stored.rollup()).isEqualTo(afterRevision2.rollup());
    assertThat(updatedAt(project, trace)).isEqualTo(updatedAt);
    assertThat(stored.firedTriggers())
        .extracting(FiredTrigger::triggerId)
        .containsExactly(trigger(revision2).getTriggerId());
  }

  @Test
  void aLateSpanReopensTheTraceAndRevision2CompletesIt() {
    String project = newProject();
    String trace = traceId(7);
    Span root = root(project, trace, 1, 0);
    Span child = llmChild(project, trace, 2, 1, 10);
    Span late = llmChild(project, trace, 3, 1, 500);
    CompletedTrace revision1 = completed(List.of(root, child), 1);
    store.writeSpans(List.of(root, child));
    store.writeCompleted(revision1, t -> CompletionDecision.fire(List.of(trigger(revision1))));

    Set<TraceKey> changed = store.writeSpans(List.of(late));

    assertThat(changed).containsExactly(new TraceKey(project, trace));
    StoredTrace reopened = store.findTrace(project, trace).orElseThrow();
    assertThat(reopened.state()).isEqualTo(TraceState.IN_PROGRESS);
    assertThat(reopened.revision()).isEqualTo(1);
    assertThat(reopened.completionReason()).isEqualTo(CompletionReason.QUIET);
    assertThat(reopened.rollup())
        .isEqualTo(TraceRollups.compute(project, trace, List.of(root, child, late)));
    assertThat(reopened.spans()).containsExactly(root, child, late);

    // a replay of revision 1 does not hide the late span
    assertThat(
            store
                .writeCompleted(
                    revision1, t -> CompletionDecision.fire(List.of(trigger(revision1))))
                .current())
        .isTrue();
    assertThat(store.findTrace(project, trace)).contains(reopened);

    CompletedTrace revision2 = completed(List.of(root, child, late), 2);
    assertThat(
            store
                .writeCompleted(
                    revision2, t -> CompletionDecision.fire(List.of(trigger(revision2))))
                .current())
        .isTrue();

    StoredTrace completedAgain = store.findTrace(project, trace).orElseThrow();
    assertThat(completedAgain.state()).isEqualTo(TraceState.COMPLETE);
    assertThat(completedAgain.revision()).isEqualTo(2);
    assertThat(completedAgain.rollup()).isEqualTo(revision2.getRollup());
    assertThat(completedAgain.rollup().getSpanCount()).isEqualTo(3);
    assertThat(completedAgain.firedTriggers())
        .extracting(FiredTrigger::triggerId)
        .containsExactly(trigger(revision1).getTriggerId(), trigger(revision2).getTriggerId());
  }

  /**
   * Issue #17: the span writer stored all 8 spans before the completed-trace writer stored revision
   * 1, which holds only the first 2. The trace must stay in progress with the rollup over the 8
   * stored spans until a revision covers them all; revision 1 still fires its trigger.
   */
  @Test
  void aRevisionStoredAfterLaterSpansLeavesTheTraceInProgressUntilARevisionCoversThem() {
    String project = newProject();
    String trace = traceId(17);
    List<Span> spans = new ArrayList<>();
    spans.add(root(project, trace, 1, 0));
    for (int n = 2; n <= 8; n++) {
      spans.add(llmChild(project, trace, n, 1, 10L * n));
    }
    CompletedTrace revision1 = completed(spans.subList(0, 2), 1);
    store.writeSpans(spans);

    CompletedWrite written =
        store.writeCompleted(revision1, t -> CompletionDecision.fire(List.of(trigger(revision1))));

    assertThat(written.current()).isTrue();
    assertThat(written.triggers())
        .extracting(EvaluationTrigger::getTriggerId)
        .containsExactly(trigger(revision1).getTriggerId());
    StoredTrace stored = store.findTrace(project, trace).orElseThrow();
    assertThat(stored.state()).isEqualTo(TraceState.IN_PROGRESS);
    assertThat(stored.revision()).isEqualTo(1);
    assertThat(stored.completionReason()).isEqualTo(CompletionReason.QUIET);
    assertThat(stored.rollup()).isEqualTo(TraceRollups.compute(project, trace, spans));
    assertThat(stored.rollup().getSpanCount()).isEqualTo(8);
    assertThat(stored.spans()).hasSize(8);
    assertThat(stored.revisionSpanCount()).isEqualTo(2);
    assertThat(stored.spansBeyondRevision()).isEqualTo(6);
    assertThat(stored.rollupRevision()).isNull();
    // a replay of revision 1 changes nothing and publishes what was recorded
    assertThat(
            store
                .writeCompleted(
                    revision1, t -> CompletionDecision.fire(List.of(trigger(revision1))))
                .triggers())
        .containsExactly(trigger(revision1));
    assertThat(store.findTrace(project, trace)).contains(stored);

    CompletedTrace revision2 = completed(spans, 2);
    store.writeCompleted(revision2, t -> CompletionDecision.fire(List.of(trigger(revision2))));

    StoredTrace complete = store.findTrace(project, trace).orElseThrow();
    assertThat(complete.state()).isEqualTo(TraceState.COMPLETE);
    assertThat(complete.revision()).isEqualTo(2);
    assertThat(complete.rollup()).isEqualTo(revision2.getRollup());
    assertThat(complete.spansBeyondRevision()).isZero();
    assertThat(complete.rollupRevision()).isEqualTo(2);
  }

  @Test
  void spansReachingTheSpanWriterAfterTheCompletedTraceDoNotReopenIt() throws SQLException {
    String project = newProject();
    String trace = traceId(8);
    List<Span> spans = List.of(root(project, trace, 1, 0), llmChild(project, trace, 2, 1, 10));
    CompletedTrace revision1 = completed(spans, 1);
    store.writeCompleted(revision1, t -> CompletionDecision.fire(List.of(trigger(revision1))));
    StoredTrace before = store.findTrace(project, trace).orElseThrow();
    Object updatedAt = updatedAt(project, trace);

    Set<TraceKey> changed = store.writeSpans(spans);

    assertThat(changed).isEmpty();
    assertThat(store.findTrace(project, trace)).contains(before);
    assertThat(before.state()).isEqualTo(TraceState.COMPLETE);
    assertThat(updatedAt(project, trace)).isEqualTo(updatedAt);
  }

  @Test
  void listsNewestStartFirstThenByDescendingTraceIdWithPagesAndTotalCount() {
    String project = newProject();
    // trace n starts at n * 1000 ms; traces 10 and 11 start together (tie broken by trace id, desc)
    List<Span> spans = new ArrayList<>();
    for (int n = 1; n <= 5; n++) {
      spans.add(root(project, traceId(n), 1, n * 1000L));
    }
    spans.add(root(project, traceId(11), 1, 9000L));
    spans.add(root(project, traceId(10), 1, 9000L));
    store.writeSpans(spans);
    CompletedTrace completed3 = completed(List.of(spans.get(2)), 1);
    store.writeCompleted(completed3, t -> CompletionDecision.fire(List.of(trigger(completed3))));

    TracePage page1 = page(project, 1, 3);
    TracePage page2 = page(project, 2, 3);
    TracePage page3 = page(project, 3, 3);
    TracePage page4 = page(project, 4, 3);

    assertThat(ids(page1)).containsExactly(traceId(11), traceId(10), traceId(5));
    assertThat(ids(page2)).containsExactly(traceId(4), traceId(3), traceId(2));
    assertThat(ids(page3)).containsExactly(traceId(1));
    assertThat(page4.traces()).isEmpty();
    assertThat(List.of(page1, page2, page3, page4))
        .allSatisfy(page -> assertThat(page.totalCount()).isEqualTo(7));
    StoredTrace listed3 = page2.traces().get(1);
    assertThat(listed3.state()).isEqualTo(TraceState.COMPLETE);
    assertThat(listed3.revision()).isEqualTo(1);
    assertThat(listed3.rollup()).isEqualTo(completed3.getRollup());
    assertThat(listed3.spans()).isEmpty();
    assertThat(listed3.firedTriggers()).extracting(FiredTrigger::triggerId).isEmpty();
  }

  @Test
  void projectsAreIsolated() {
    String projectA = newProject();
    String projectB = newProject();
    String trace = traceId(20);
    Span inA = root(projectA, trace, 1, 0);
    Span inB = span(projectB, trace, 1, null, 50).setName("other project").build();
    store.writeSpans(List.of(inA, inB, llmChild(projectB, trace, 2, 1, 60)));

    assertThat(store.findTrace(projectA, trace).orElseThrow().spans()).containsExactly(inA);
    assertThat(store.findTrace(projectB, trace).orElseThrow().rollup().getRootSpanName())
        .isEqualTo("other project");
    assertThat(page(projectA, 1, 10).totalCount()).isEqualTo(1);
    assertThat(page(projectB, 1, 10).totalCount()).isEqualTo(1);
    assertThat(store.findTrace(newProject(), trace)).isEmpty();
    assertThat(page(newProject(), 1, 10)).isEqualTo(new TracePage(List.of(), 0, false, null));
  }

  @Test
  void spansRoundTripLosslesslyAndTypedColumnsHoldTheirFields() throws SQLException {
    String project = newProject();
    String trace = traceId(30);
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("gen_ai.usage.input_tokens", 12L);
    attributes.put("temperature", 0.7);
    attributes.put("not.a.number", Double.NaN);
    attributes.put("stream", true);
    attributes.put("nothing", null);
    attributes.put("prompt", "say \"hi\"\u0000 please");
    attributes.put("below.everything", Double.NEGATIVE_INFINITY);
    attributes.put("name\u0000with NUL", "ok");
    Span rich =
        span(project, trace, 1, null, 0)
            .setName("name with NUL \u0000 inside")
            .setOtelSpanKind("SERVER")
            .setStatusMessage("fine")
            .setScopeName("scope")
            .setModel("claude")
            .setProvider("anthropic")
            .setInputTokens(7L)
            .setOutputTokens(3L)
            .setCacheReadTokens(1L)
            .setCacheWriteTokens(2L)
            .setReasoningTokens(4L)
            .setCostMicrocents(99L)
            .setCostIsEstimated(true)
            .setSessionId("session-1")
            .setUserId("user-1")
            .setTags(List.of("b", "a"))
            .setInput("question")
            .setOutput("answer")
            .setAttributes(attributes)
            .setResourceAttributes(Map.of("service.name", "svc"))
            .setEvents(
                List.of(
                    SpanEvent.newBuilder()
                        .setName("first token")
                        .setTimeEpochNanos(TestTraces.BASE_EPOCH_NANOS + 5)
                        .setAttributes(Map.of("k", 1L))
                        .build()))
            .build();

    store.writeSpans(List.of(rich));

    StoredTrace stored = store.findTrace(project, trace).orElseThrow();
    assertThat(stored.spans()).containsExactly(rich);
    assertThat(stored.rollup().getRootSpanName()).isEqualTo("name with NUL \uFFFD inside");
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT name, kind, model, provider, session_id, user_id, service_name,"
                    + " duration_nanos, input_tokens, cost_microcents, tags,"
                    + " attributes->>'not.a.number' AS nan, attributes->'temperature' AS"
                    + " temperature, jsonb_typeof(attributes->'nothing') AS nothing,"
                    + " attributes::text AS attributes_json, ?::jsonb::text AS expected_attributes,"
                    + " resource_attributes::text AS resource_json"
                    + " FROM spans WHERE project_id = ?")) {
      statement.setString(
          1,
          "{\"gen_ai.usage.input_tokens\": 12, \"temperature\": 0.7, \"not.a.number\": \"NaN\","
              + " \"stream\": true, \"nothing\": null, \"prompt\": \"say \\\"hi\\\"\uFFFD please\","
              + " \"below.everything\": \"-Infinity\", \"name\uFFFDwith NUL\": \"ok\"}");
      statement.setString(2, project);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString("name")).isEqualTo("name with NUL \uFFFD inside");
        assertThat(rows.getString("kind")).isEqualTo("AGENT");
        assertThat(rows.getString("model")).isEqualTo("claude");
        assertThat(rows.getString("provider")).isEqualTo("anthropic");
        assertThat(rows.getString("session_id")).isEqualTo("session-1");
        assertThat(rows.getString("user_id")).isEqualTo("user-1");
        assertThat(rows.getString("service_name")).isEqualTo("svc");
        assertThat(rows.getLong("duration_nanos")).isEqualTo(100_000_000L);
        assertThat(rows.getLong("input_tokens")).isEqualTo(7L);
        assertThat(rows.getLong("cost_microcents")).isEqualTo(99L);
        assertThat((String[]) rows.getArray("tags").getArray()).containsExactly("b", "a");
        assertThat(rows.getString("nan")).isEqualTo("NaN");
        assertThat(rows.getString("temperature")).isEqualTo("0.7");
        assertThat(rows.getString("nothing")).isEqualTo("null");
        assertThat(rows.getString("attributes_json"))
            .isEqualTo(rows.getString("expected_attributes"));
        assertThat(rows.getString("resource_json")).isEqualTo("{\"service.name\": \"svc\"}");
      }
    }
  }

  @Test
  void aSpanTheDatabaseRefusesFailsItsWholeBatchWithADataError() {
    String project = newProject();
    String trace = traceId(60);
    // a span id too large for a btree index entry (random, so it does not compress)
    StringBuilder hugeId = new StringBuilder();
    Random random = new Random(42);
    while (hugeId.length() < 20_000) {
      hugeId.append(Long.toHexString(random.nextLong()));
    }
    Span refused = span(project, trace, 2, null, 5).setSpanId(hugeId.toString()).build();

    assertThatThrownBy(() -> store.writeSpans(List.of(root(project, trace, 1, 0), refused)))
        .isInstanceOfSatisfying(
            TraceStoreException.class,
            e -> {
              assertThat(e.isDataError()).isTrue();
              assertThat(e.sqlState()).isEqualTo("54000");
              assertThat(e).hasMessageStartingWith("Cannot write 2 spans: ");
            });
    assertThat(store.findTrace(project, trace)).isEmpty();
  }

  @Test
  void concurrentWritersOfTheSameTracesNeitherDeadlockNorLoseSpans() throws Exception {
    String project = newProject();
    List<Span> forward = new ArrayList<>();
    for (int n = 0; n < 20; n++) {
      for (int s = 1; s <= 5; s++) {
        forward.add(
            s == 1 ? root(project, traceId(n), 1, n) : llmChild(project, traceId(n), s, 1, n + s));
      }
    }
    List<Span> backward = new ArrayList<>(forward);
    Collections.reverse(backward);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Set<TraceKey>>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        List<Span> batch = i % 2 == 0 ? forward : backward;
        results.add(pool.submit(() -> store.writeSpans(batch)));
      }
      for (Future<Set<TraceKey>> result : results) {
        result.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(count("spans", project)).isEqualTo(100);
    for (int n = 0; n < 20; n++) {
      StoredTrace trace = store.findTrace(project, traceId(n)).orElseThrow();
      assertThat(trace.spans()).hasSize(5);
      assertThat(trace.rollup())
          .isEqualTo(TraceRollups.compute(project, traceId(n), trace.spans()));
    }
  }

  @Test
  void reopeningMigratesNothingAndSeesTheSameData() {
    String project = newProject();
    store.writeSpans(List.of(root(project, traceId(40), 1, 0)));

    try (TraceStore again = TraceStore.open(settings)) {
      assertThat(again.findTrace(project, traceId(40))).isPresent();
      again.ping();
    }
  }

  @Test
  void openingAnUnreachableDatabaseFailsWithAClearMessage() throws Exception {
    int freePort;
    try (ServerSocket socket = new ServerSocket(0)) {
      freePort = socket.getLocalPort();
    }
    String url = "jdbc:postgresql://localhost:" + freePort + "/tracefold";

    assertThatThrownBy(() -> TraceStore.open(new StoreSettings(url, "tracefold", "secret", 2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Cannot connect to PostgreSQL at " + url + " as user 'tracefold': ")
        .hasMessageContaining("TRACEFOLD_STORE_JDBC_URL");
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> page("p", 0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("page must be >= 1, was 0");
    assertThatThrownBy(() -> page("p", 1, 1001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pageSize must be between 1 and 1000, was 1001");
    String project = newProject();
    CompletedTrace revision0 = completed(List.of(root(project, traceId(50), 1, 0)), 0);
    assertThatThrownBy(() -> store.writeCompleted(revision0, t -> CompletionDecision.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Completed trace "
                + project
                + "/"
                + traceId(50)
                + " has revision 0; revisions start at 1");
  }

  private static TracePage page(String project, int page, int pageSize) {
    return store.listTraces(
        project, TraceQuery.page(TraceFilter.ALL, TraceSort.DEFAULT, page, pageSize));
  }

  private static List<String> ids(TracePage page) {
    return page.traces().stream().map(t -> t.rollup().getTraceId()).toList();
  }

  private static Object updatedAt(String project, String trace) throws SQLException {
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT updated_at FROM traces WHERE project_id = ? AND trace_id = ?")) {
      statement.setString(1, project);
      statement.setString(2, trace);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).isTrue();
        return rows.getObject(1);
      }
    }
  }

  private static long count(String table, String project) throws SQLException {
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT count(*) FROM " + table + " WHERE project_id = ?")) {
      statement.setString(1, project);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}

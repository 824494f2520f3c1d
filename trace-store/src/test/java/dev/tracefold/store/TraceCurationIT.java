package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.completed;
import static dev.tracefold.store.TestTraces.llmChild;
import static dev.tracefold.store.TestTraces.newProject;
import static dev.tracefold.store.TestTraces.root;
import static dev.tracefold.store.TestTraces.span;
import static dev.tracefold.store.TestTraces.traceId;
import static dev.tracefold.store.TestTraces.trigger;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.Span;
import dev.tracefold.store.query.TagMatch;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.query.TraceSort;
import dev.tracefold.store.trace.CompletionDecision;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceAnnotation;
import dev.tracefold.store.trace.TraceCuration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TraceCuration} and {@link TraceStore#listSources} against a real PostgreSQL. */
class TraceCurationIT {
  @RegisterExtension static final TestDatabase database = new TestDatabase();
  private static TraceStore store;
  private static TraceCuration curation;

  @BeforeAll
  static void start() {
    store = database.store();
    curation = store.curation();
  }

  @Test
  void userTagsReplaceEachOtherAddToSpanTagsAndSurviveLateSpansAndReplays() {
    String project = newProject();
    String trace = traceId(1);
    Span tagged = span(project, trace, 1, null, 0).setTags(List.of("from-span")).build();
    CompletedTrace completed = completed(List.of(tagged), 1);
    store.writeCompleted(completed, t -> CompletionDecision.NONE);

    StoredTrace first = curation.setUserTags(project, trace, List.of("b", "a", "b")).orElseThrow();
    StoredTrace second = curation.setUserTags(project, trace, List.of("c", "a")).orElseThrow();
    store.writeSpans(List.of(llmChild(project, trace, 2, 1, 10)));
    store.writeCompleted(completed, t -> CompletionDecision.NONE);

    assertThat(first.userTags()).containsExactly("a", "b");
    assertThat(second.userTags()).containsExactly("a", "c");
    assertThat(second.tags()).containsExactly("a", "c", "from-span");
    StoredTrace stored = store.findTrace(project, trace).orElseThrow();
    assertThat(stored.userTags()).containsExactly("a", "c");
    assertThat(stored.spans()).hasSize(2);
    assertThat(
            list(
                project,
                TraceFilter.builder().tags(List.of("c", "from-span"), TagMatch.ALL).build()))
        .containsExactly(trace);
    assertThat(curation.setUserTags(project, trace, List.of()).orElseThrow().tags())
        .containsExactly("from-span");
  }

  @Test
  void annotationsAreListedInOrderOnTheTrace() {
    String project = newProject();
    String trace = traceId(2);
    store.writeSpans(List.of(root(project, trace, 1, 0)));

    TraceAnnotation first =
        curation
            .annotate(project, trace, "looks wrong", "ana", 0.25, "hallucination")
            .orElseThrow();
    TraceAnnotation second =
        curation.annotate(project, trace, "fine", "evaluator-7", null, null).orElseThrow();

    assertThat(second.id()).isGreaterThan(first.id());
    assertThat(first.score()).isEqualTo(0.25);
    assertThat(first.label()).isEqualTo("hallucination");
    assertThat(second.score()).isNull();
    assertThat(second.label()).isNull();
    assertThat(first.createdEpochMillis()).isGreaterThan(1_763_000_000_000L);
    assertThat(store.findTrace(project, trace).orElseThrow().annotations())
        .containsExactly(first, second);
    assertThat(curation.annotate(project, traceId(99), "x", "y", null, null)).isEmpty();
  }

  @Test
  void savingIsIdempotentReversibleAndSurvivesRewrites() {
    String project = newProject();
    String trace = traceId(3);
    store.writeSpans(List.of(root(project, trace, 1, 0)));

    StoredTrace saved = curation.setSaved(project, trace, true).orElseThrow();
    StoredTrace savedAgain = curation.setSaved(project, trace, true).orElseThrow();
    store.writeSpans(List.of(llmChild(project, trace, 2, 1, 10)));

    assertThat(saved.saved()).isTrue();
    assertThat(savedAgain.savedEpochMillis()).isEqualTo(saved.savedEpochMillis());
    assertThat(store.findTrace(project, trace).orElseThrow().savedEpochMillis())
        .isEqualTo(saved.savedEpochMillis());
    assertThat(curation.setSaved(project, trace, false).orElseThrow().saved()).isFalse();
    assertThat(curation.setSaved(project, traceId(98), true)).isEmpty();
  }

  @Test
  void deletingRemovesTheTraceWithSpansAnnotationsAndTriggers() throws SQLException {
    String project = newProject();
    String trace = traceId(4);
    List<Span> spans = List.of(root(project, trace, 1, 0), llmChild(project, trace, 2, 1, 10));
    CompletedTrace completed = completed(spans, 1);
    store.writeCompleted(completed, t -> CompletionDecision.fire(List.of(trigger(completed))));
    curation.annotate(project, trace, "note", "ana", null, null);
    String kept = traceId(5);
    store.writeSpans(List.of(root(project, kept, 1, 0)));

    assertThat(curation.deleteTrace(project, trace)).isTrue();

    assertThat(store.findTrace(project, trace)).isEmpty();
    assertThat(count("spans", project, trace)).isZero();
    assertThat(count("fired_triggers", project, trace)).isZero();
    assertThat(count("trace_annotations", project, trace)).isZero();
    assertThat(curation.deleteTrace(project, trace)).isFalse();
    assertThat(store.findTrace(project, kept)).isPresent();
  }

  @Test
  void neverTouchesAnotherProjectsTraceOfTheSameId() {
    String projectA = newProject();
    String projectB = newProject();
    String trace = traceId(6);
    store.writeSpans(List.of(root(projectA, trace, 1, 0)));

    assertThat(curation.setUserTags(projectB, trace, List.of("x"))).isEmpty();
    assertThat(curation.annotate(projectB, trace, "x", "y", null, null)).isEmpty();
    assertThat(curation.setSaved(projectB, trace, true)).isEmpty();
    assertThat(curation.deleteTrace(projectB, trace)).isFalse();

    StoredTrace inA = store.findTrace(projectA, trace).orElseThrow();
    assertThat(inA.userTags()).isEmpty();
    assertThat(inA.annotations()).isEmpty();
    assertThat(inA.saved()).isFalse();
  }

  @Test
  void listsEachProjectsDistinctSourcesSorted() {
    String project = newProject();
    store.writeSpans(
        List.of(
            span(project, traceId(7), 1, null, 0).setSource("otlp-http-json").build(),
            span(project, traceId(8), 1, null, 0).setSource("native-json").build(),
            span(project, traceId(9), 1, null, 0).setSource("otlp-http-json").build(),
            span(newProject(), traceId(7), 1, null, 0).setSource("otlp-grpc").build()));

    assertThat(store.listSources(project)).containsExactly("native-json", "otlp-http-json");
    assertThat(store.listSources(newProject())).isEmpty();
  }

  private static List<String> list(String project, TraceFilter filter) {
    return store
        .listTraces(project, TraceQuery.page(filter, TraceSort.DEFAULT, 1, 100))
        .traces()
        .stream()
        .map(t -> t.rollup().getTraceId())
        .toList();
  }

  private static long count(String table, String project, String trace) throws SQLException {
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT count(*) FROM " + table + " WHERE project_id = ? AND trace_id = ?")) {
      statement.setString(1, project);
      statement.setString(2, trace);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}

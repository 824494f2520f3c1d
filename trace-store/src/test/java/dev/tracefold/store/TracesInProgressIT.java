package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.completed;
import static dev.tracefold.store.TestTraces.llmChild;
import static dev.tracefold.store.TestTraces.newProject;
import static dev.tracefold.store.TestTraces.root;
import static dev.tracefold.store.TestTraces.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.Span;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.query.TraceSort;
import dev.tracefold.store.trace.CompletionDecision;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The traces in progress kept in {@code traces_in_progress} (schema version 8), on a real embedded
 * PostgreSQL: the table follows {@code traces.state} through every write path, the state filter
 * reads it, and no index of {@code traces} depends on {@code state}, so that storing a completed
 * revision can be a HOT update.
 */
class TracesInProgressIT {
  @RegisterExtension static final TestDatabase database = new TestDatabase();

  @Test
  void theTableFollowsEachTracesStateThroughEveryWritePath() throws SQLException {
    String project = newProject();
    Span root1 = root(project, traceId(1), 1, 0);
    Span child1 = llmChild(project, traceId(1), 2, 1, 10);
    Span root2 = root(project, traceId(2), 1, 0);
    Span child2 = llmChild(project, traceId(2), 2, 1, 10);
    database
        .store()
        .writeSpans(List.of(root1, child1, root2, child2, root(project, traceId(3), 1, 0)));
    assertInProgress(project, traceId(1), traceId(2), traceId(3));

    // a revision covering every stored span completes the trace
    database
        .store()
        .writeCompleted(completed(List.of(root1, child1), 1), t -> CompletionDecision.NONE);
    assertInProgress(project, traceId(2), traceId(3));

    // a late span reopens it
    Span late1 = llmChild(project, traceId(1), 3, 1, 500);
    database.store().writeSpans(List.of(late1));
    assertInProgress(project, traceId(1), traceId(2), traceId(3));

    // a revision that covers only some of the stored spans leaves its trace in progress
    database.store().writeCompleted(completed(List.of(root2), 1), t -> CompletionDecision.NONE);
    assertThat(database.store().findTrace(project, traceId(2)).orElseThrow().state())
        .isEqualTo(TraceState.IN_PROGRESS);
    assertInProgress(project, traceId(1), traceId(2), traceId(3));

    // the next revision of the reopened trace covers its late span: complete again
    database
        .store()
        .writeCompleted(completed(List.of(root1, child1, late1), 2), t -> CompletionDecision.NONE);
    assertInProgress(project, traceId(2), traceId(3));

    // a deleted trace leaves the table with its row
    assertThat(database.store().curation().deleteTrace(project, traceId(3))).isTrue();
    assertInProgress(project, traceId(2));

    assertThat(listed(project, TraceState.IN_PROGRESS)).containsExactly(traceId(2));
    assertThat(listed(project, TraceState.COMPLETE)).containsExactly(traceId(1));
  }

  @Test
  void noIndexOfTracesDependsOnState() throws SQLException {
    try (Connection connection = database.store().dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT i.indexrelid::regclass::text FROM pg_index i"
                    + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = 'state'"
                    + " WHERE i.indrelid = 'traces'::regclass"
                    + " AND (a.attnum = ANY (i.indkey::int2[])"
                    + " OR coalesce(pg_get_expr(i.indexprs, i.indrelid), '') ~ '\\mstate\\M'"
                    + " OR coalesce(pg_get_expr(i.indpred, i.indrelid), '') ~ '\\mstate\\M')")) {
      List<String> indexes = new ArrayList<>();
      while (rows.next()) {
        indexes.add(rows.getString(1));
      }
      // an index that reads state (key, expression or predicate) makes PostgreSQL write every
      // index of the table when a completed revision changes only state and unindexed columns
      assertThat(indexes).isEmpty();
    }
  }

  @Test
  void theMigrationFillsTheTableWithTheTracesAlreadyInProgress() throws SQLException {
    StoreSettings before = OlderSchema.create(database.settings(), "before_v8", "7");
    OlderSchema.insertTrace(before, "p", "t1", "in_progress");
    OlderSchema.insertTrace(before, "p", "t2", "complete");

    try (TraceStore upgraded = TraceStore.open(before)) {
      assertThat(inProgressRows(upgraded, "p")).containsExactly("t1");
      assertThat(
              upgraded
                  .listTraces(
                      "p",
                      TraceQuery.page(
                          TraceFilter.builder().states(List.of(TraceState.IN_PROGRESS)).build(),
                          TraceSort.DEFAULT,
                          1,
                          10))
                  .traces())
          .extracting(t -> t.rollup().getTraceId())
          .containsExactly("t1");
    }
  }

  /** The table, the state column and the expected ids agree. */
  private static void assertInProgress(String project, String... traceIds) throws SQLException {
    assertThat(inProgressRows(database.store(), project)).containsExactly(traceIds);
    try (Connection connection = database.store().dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT trace_id FROM traces WHERE project_id = ? AND state = 'in_progress'"
                    + " ORDER BY trace_id")) {
      statement.setString(1, project);
      assertThat(ids(statement)).containsExactly(traceIds);
    }
  }

  private static List<String> inProgressRows(TraceStore store, String project) throws SQLException {
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT trace_id FROM traces_in_progress WHERE project_id = ? ORDER BY trace_id")) {
      statement.setString(1, project);
      return ids(statement);
    }
  }

  private static List<String> ids(PreparedStatement statement) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }

  private static List<String> listed(String project, TraceState state) {
    TraceFilter filter = TraceFilter.builder().states(List.of(state)).build();
    return database
        .store()
        .listTraces(project, TraceQuery.page(filter, TraceSort.DEFAULT, 1, 50))
        .traces()
        .stream()
        .map(StoredTrace::rollup)
        .map(r -> r.getTraceId())
        .sorted()
        .toList();
  }
}

package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.completed;
import static dev.tracefold.store.TestTraces.llmChild;
import static dev.tracefold.store.TestTraces.newProject;
import static dev.tracefold.store.TestTraces.root;
import static dev.tracefold.store.TestTraces.traceId;
import static dev.tracefold.store.TestTraces.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.store.set.TraceSet;
import dev.tracefold.store.trace.CompletionDecision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RetentionJob} against a real PostgreSQL. The job covers every project of the database:
 * each test keeps traces forever by default and sets a retention only for its own projects, so the
 * tests do not delete each other's traces.
 */
class RetentionJobIT {
  private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

  @RegisterExtension static final TestDatabase database = new TestDatabase();
  private static TraceStore store;

  @BeforeAll
  static void start() {
    store = database.store();
  }

  @Test
  void deletesExpiredUnsavedTracesWithTheirDataInBatches() throws SQLException {
    String project = newProject();
    for (int n = 1; n <= 7; n++) {
      CompletedTrace trace =
          completed(
              List.of(root(project, traceId(n), 1, 0), llmChild(project, traceId(n), 2, 1, 10)), 1);
      store.writeCompleted(trace, t -> CompletionDecision.fire(List.of(trigger(trace))));
      store.curation().annotate(project, traceId(n), "note", "ana", null, null);
      // traces 1..6 were stored 31 days ago, trace 7 29 days ago
      age(project, traceId(n), n <= 6 ? 31 : 29);
    }
    store.curation().setSaved(project, traceId(2), true);
    TraceSet set = store.traceSets().createFromIds(project, "kept ids", null, List.of(traceId(1)));
    RetentionJob job = new RetentionJob(store, settings(Map.of(project, 30), 2), Clock.systemUTC());

    RetentionJob.Run run = job.runOnce();

    assertThat(run.skipped()).isFalse();
    assertThat(run.deletedTraces()).isEqualTo(5);
    assertThat(run.batches()).isEqualTo(3);
    assertThat(ids(project)).containsExactly(traceId(2), traceId(7));
    for (String table : List.of("spans", "trace_annotations", "fired_triggers")) {
      assertThat(count(table, project)).as(table).isEqualTo(2 * (table.equals("spans") ? 2 : 1));
    }
    assertThat(store.traceSets().findSet(project, set.id(), 1, 10).orElseThrow().missingTraceIds())
        .containsExactly(traceId(1));
    assertThat(job.runOnce().deletedTraces()).isZero();
  }

  @Test
  void eachProjectHasItsOwnRetention() throws SQLException {
    String shortLived = newProject();
    String standard = newProject();
    String forever = newProject();
    for (String project : List.of(shortLived, standard, forever)) {
      store.writeSpans(List.of(root(project, traceId(1), 1, 0)));
      age(project, traceId(1), 10);
      store.writeSpans(List.of(root(project, traceId(2), 1, 0)));
      age(project, traceId(2), 40);
    }
    RetentionJob job =
        new RetentionJob(
            store,
            settings(Map.of(shortLived, 7, standard, 30, forever, 0), 500),
            Clock.systemUTC());

    job.runOnce();

    assertThat(ids(shortLived)).isEmpty();
    assertThat(ids(standard)).containsExactly(traceId(1));
    assertThat(ids(forever)).containsExactly(traceId(1), traceId(2));
  }

  @Test
  void theProjectsTableRetentionWinsOverTheConfiguredOne() throws SQLException {
    String inTable = newProject();
    String configured = newProject();
    for (String project : List.of(inTable, configured)) {
      store.writeSpans(List.of(root(project, traceId(1), 1, 0)));
      age(project, traceId(1), 5);
      store.writeSpans(List.of(root(project, traceId(2), 1, 0)));
      age(project, traceId(2), 20);
    }
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "INSERT INTO projects (id, name, retention_days) VALUES (?, ?, 3)")) {
      statement.setString(1, inTable);
      statement.setString(2, inTable);
      statement.executeUpdate();
    }
    // the configuration says 10 days for both; the projects row of inTable says 3
    RetentionJob job =
        new RetentionJob(
            store, settings(Map.of(inTable, 10, configured, 10), 500), Clock.systemUTC());

    job.runOnce();

    assertThat(ids(inTable)).isEmpty();
    assertThat(ids(configured)).containsExactly(traceId(1));
  }

  @Test
  void theClockDecidesWhatIsExpired() {
    String project = newProject();
    store.writeSpans(List.of(root(project, traceId(1), 1, 0)));
    Clock now = Clock.systemUTC();

    new RetentionJob(store, settings(Map.of(project, 30), 500), now).runOnce();
    assertThat(ids(project)).containsExactly(traceId(1));
    new RetentionJob(
            store, settings(Map.of(project, 30), 500), Clock.offset(now, Duration.ofDays(31)))
        .runOnce();
    assertThat(ids(project)).isEmpty();
  }

  @Test
  void aRunIsSkippedWhileAnotherProcessRunsIt() throws SQLException {
    String project = newProject();
    store.writeSpans(List.of(root(project, traceId(1), 1, 0)));
    age(project, traceId(1), 40);
    RetentionJob job =
        new RetentionJob(store, settings(Map.of(project, 30), 500), Clock.systemUTC());
    try (Connection other = store.dataSource().getConnection();
        PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_lock(?, 0)");
        PreparedStatement unlock = other.prepareStatement("SELECT pg_advisory_unlock(?, 0)")) {
      lock.setInt(1, RetentionJob.LOCK_NAMESPACE);
      lock.executeQuery().close();

      assertThat(job.runOnce()).isEqualTo(new RetentionJob.Run(true, 0, 0));
      assertThat(ids(project)).containsExactly(traceId(1));

      unlock.setInt(1, RetentionJob.LOCK_NAMESPACE);
      unlock.executeQuery().close();
    }
    assertThat(job.runOnce().deletedTraces()).isEqualTo(1);
  }

  @Test
  void startedJobRunsOnItsOwnUntilClosed() throws SQLException {
    String project = newProject();
    store.writeSpans(List.of(root(project, traceId(1), 1, 0)));
    age(project, traceId(1), 40);

    try (RetentionJob job =
        RetentionJob.start(
            store, new RetentionSettings(0, Map.of(project, 30), Duration.ofSeconds(1), 500))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> ids(project).isEmpty());
      assertThat(job.lastFailure()).isNull();
    }
  }

  /** Keeps every project's traces forever but those of {@code projects}. */
  private static RetentionSettings settings(Map<String, Integer> projects, int batch) {
    return new RetentionSettings(0, projects, Duration.ofHours(1), batch);
  }

  private static List<String> ids(String project) {
    return store
        .listTraces(
            project,
            dev.tracefold.store.query.TraceQuery.page(
                dev.tracefold.store.query.TraceFilter.ALL,
                new dev.tracefold.store.query.TraceSort(
                    dev.tracefold.store.query.TraceSort.Field.START_TIME,
                    dev.tracefold.store.query.TraceSort.Order.ASC),
                1,
                100))
        .traces()
        .stream()
        .map(t -> t.rollup().getTraceId())
        .sorted()
        .toList();
  }

  /** Makes the trace look first stored {@code days} days ago. */
  private static void age(String project, String trace, int days) throws SQLException {
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "UPDATE traces SET created_epoch_millis = ? WHERE project_id = ? AND trace_id ="
                    + " ?")) {
      statement.setLong(1, System.currentTimeMillis() - days * DAY_MILLIS);
      statement.setString(2, project);
      statement.setString(3, trace);
      assertThat(statement.executeUpdate()).isEqualTo(1);
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

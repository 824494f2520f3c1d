package dev.tracefold.store;

import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.trace.TraceDeletion;
import dev.tracefold.store.trace.TraceLocks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes traces past their project's retention: the project's {@code projects.retention_days}
 * (Flyway V2) where the project has a row there, else {@link RetentionSettings#retentionDaysOf}
 * (the configured per-project override or default). A trace first stored more than that many days
 * ago and not saved goes, with its spans, annotations and fired trigger records. Trace sets keep
 * listing its id (as missing).
 *
 * <p>Runs in batches of {@link RetentionSettings#batchSize()} traces, each in its own short
 * transaction that holds the batch's trace locks ({@link TraceLocks}), so the span writers wait for
 * at most one batch and no lock is held between batches. Conditions are checked again under the
 * locks: a trace saved meanwhile stays. One run at a time across all processes sharing the
 * database: a run starts only if it gets a session advisory lock, else it is skipped.
 *
 * <p>{@link #start} runs it at once and then every {@link RetentionSettings#interval()} on a daemon
 * thread; failures are logged and the next run tries again. Thread-safe.
 */
public final class RetentionJob implements AutoCloseable {
  /** Advisory lock class id of the run lock: ASCII "tr" (0x7472). */
  static final int LOCK_NAMESPACE = 0x7472;

  private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);
  private static final String PROJECTS_SQL =
      "WITH RECURSIVE p AS ("
          + " (SELECT project_id FROM traces ORDER BY project_id LIMIT 1)"
          + " UNION ALL"
          + " SELECT (SELECT t.project_id FROM traces t WHERE t.project_id > p.project_id"
          + " ORDER BY t.project_id LIMIT 1) FROM p WHERE p.project_id IS NOT NULL)"
          + " SELECT project_id FROM p WHERE project_id IS NOT NULL";
  private static final String CANDIDATES_SQL =
      "SELECT trace_id FROM traces WHERE project_id = ? AND created_epoch_millis < ?"
          + " AND saved_epoch_millis IS NULL ORDER BY created_epoch_millis, trace_id LIMIT ?";
  private static final String PROJECT_RETENTION_SQL = "SELECT id, retention_days FROM projects";
  private static final String TRY_LOCK_SQL = "SELECT pg_try_advisory_lock(?, 0)";
  private static final String UNLOCK_SQL = "SELECT pg_advisory_unlock(?, 0)";

  private final DataSource dataSource;
  private final RetentionSettings settings;
  private final Clock clock;
  private final AtomicReference<Exception> lastFailure = new AtomicReference<>();
  private volatile ScheduledExecutorService scheduler;

  /**
   * A job that runs only when {@link #runOnce()} is called.
   *
   * @param store whose traces to delete; stays owned by the caller
   * @param clock what "now" is when computing the cutoff
   */
  public RetentionJob(TraceStore store, RetentionSettings settings, Clock clock) {
    this.dataSource = Objects.requireNonNull(store, "store").dataSource();
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A job on the system clock that runs now and then every interval, until closed. */
  public static RetentionJob start(TraceStore store, RetentionSettings settings) {
    RetentionJob job = new RetentionJob(store, settings, Clock.systemUTC());
    job.schedule();
    return job;
  }

  /** The outcome of one run. */
  public record Run(boolean skipped, long deletedTraces, int batches) {}

  /**
   * Deletes every expired trace of every project now, batch after batch.
   *
   * @return what was deleted; {@code skipped} when another process was running the job
   * @throws TraceStoreException if the database fails (batches committed before stay deleted)
   */
  public Run runOnce() {
    long startMillis = System.nanoTime() / 1_000_000;
    try (Connection connection = dataSource.getConnection()) {
      if (!advisoryLock(connection, TRY_LOCK_SQL)) {
        log.debug("Retention skipped: another process is running it");
        return new Run(true, 0, 0);
      }
      try {
        Run run = deleteExpired(connection);
        if (run.deletedTraces() > 0) {
          log.info(
              "Retention deleted {} traces in {} batches in {} ms",
              run.deletedTraces(),
              run.batches(),
              System.nanoTime() / 1_000_000 - startMillis);
        }
        return run;
      } finally {
        release(connection);
      }
    } catch (SQLException e) {
      throw new TraceStoreException("Cannot delete expired traces", e);
    }
  }

  /** The failure of the latest scheduled run, or null when it succeeded (or none ran yet). */
  public Exception lastFailure() {
    return lastFailure.get();
  }

  /** Stops scheduling; a run in progress finishes its current batch's transaction. Idempotent. */
  @Override
  public void close() {
    ScheduledExecutorService running = scheduler;
    if (running != null) {
      running.shutdownNow();
    }
  }

  private void schedule() {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "tracefold-retention");
              thread.setDaemon(true);
              return thread;
            });
    scheduler = executor;
    Duration interval = settings.interval();
    executor.scheduleWithFixedDelay(
        this::scheduledRun, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    log.info(
        "Retention job: every {}, traces kept {} days unless saved (per-project overrides: {})",
        interval,
        settings.retentionDays(),
        settings.projectRetentionDays());
  }

  private void scheduledRun() {
    try {
      runOnce();
      lastFailure.set(null);
    } catch (RuntimeException e) {
      lastFailure.set(e);
      log.warn("Retention run failed; retrying in {}", settings.interval(), e);
    }
  }

  private Run deleteExpired(Connection connection) throws SQLException {
    List<String> projects = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(PROJECTS_SQL);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        projects.add(rows.getString(1));
      }
    }
    Map<String, Integer> projectDays = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(PROJECT_RETENTION_SQL);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        projectDays.put(rows.getString(1), rows.getInt(2));
      }
    }
    long deleted = 0;
    int batches = 0;
    connection.setAutoCommit(false);
    for (String project : projects) {
      Integer tableDays = projectDays.get(project);
      int days = tableDays != null ? tableDays : settings.retentionDaysOf(project);
      if (days == 0) {
        continue;
      }
      long cutoff = clock.millis() - Duration.ofDays(days).toMillis();
      while (!Thread.currentThread().isInterrupted()) {
        List<TraceKey> candidates = candidates(connection, project, cutoff);
        if (candidates.isEmpty()) {
          connection.commit();
          break;
        }
        TraceLocks.lock(connection, candidates);
        deleted += TraceDeletion.deleteExpired(connection, candidates, cutoff).size();
        connection.commit();
        batches++;
        if (candidates.size() < settings.batchSize()) {
          break;
        }
      }
    }
    return new Run(false, deleted, batches);
  }

  private List<TraceKey> candidates(Connection connection, String project, long cutoff)
      throws SQLException {
    List<TraceKey> keys = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(CANDIDATES_SQL)) {
      statement.setString(1, project);
      statement.setLong(2, cutoff);
      statement.setInt(3, settings.batchSize());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          keys.add(new TraceKey(project, rows.getString(1)));
        }
      }
    }
    return keys;
  }

  /**
   * Ends the run's transaction and releases the run lock; a connection that cannot do so is
   * aborted, so that the pool drops it rather than lend it out still holding the lock.
   */
  private static void release(Connection connection) {
    try {
      if (!connection.getAutoCommit()) {
        connection.rollback();
        connection.setAutoCommit(true);
      }
      advisoryLock(connection, UNLOCK_SQL);
    } catch (SQLException e) {
      log.warn("Cannot release the retention lock; dropping the connection", e);
      try {
        connection.abort(Runnable::run);
      } catch (SQLException abortFailure) {
        e.addSuppressed(abortFailure);
      }
    }
  }

  private static boolean advisoryLock(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(1, LOCK_NAMESPACE);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }
}

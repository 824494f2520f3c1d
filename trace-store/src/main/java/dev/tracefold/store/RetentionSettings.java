package dev.tracefold.store;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Settings of the {@link RetentionJob} ({@code tracefold.store.retention-*} and {@code
 * tracefold.store.project-retention-days}). Immutable.
 *
 * @param retentionDays days a trace is kept after it was first stored, unless saved; 0 keeps traces
 *     forever (default 30)
 * @param projectRetentionDays per-project overrides of {@code retentionDays} (0 = forever)
 * @param interval time between two runs of the job (default 1 h)
 * @param batchSize traces deleted per transaction (default 500)
 */
public record RetentionSettings(
    int retentionDays,
    Map<String, Integer> projectRetentionDays,
    Duration interval,
    int batchSize) {
  /** Default days a trace is kept. */
  public static final int DEFAULT_RETENTION_DAYS = 30;

  /**
   * @throws IllegalArgumentException if a day count is negative, the interval shorter than 1 s or
   *     the batch size outside 1..10,000
   */
  public RetentionSettings {
    Objects.requireNonNull(interval, "interval");
    checkDays("tracefold.store.retention-days", retentionDays);
    projectRetentionDays = Map.copyOf(projectRetentionDays);
    projectRetentionDays.forEach(
        (project, days) ->
            checkDays("tracefold.store.project-retention-days.\"" + project + "\"", days));
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "tracefold.store.retention-interval must be at least 1s, was " + interval);
    }
    if (batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException(
          "tracefold.store.retention-batch-size must be 1..10000, was " + batchSize);
    }
  }

  /**
   * Reads {@code tracefold.store.retention-days}, {@code project-retention-days}, {@code
   * retention-interval} and {@code retention-batch-size} (environment overrides {@code
   * TRACEFOLD_STORE_RETENTION_DAYS}, {@code TRACEFOLD_STORE_RETENTION_INTERVAL}, {@code
   * TRACEFOLD_STORE_RETENTION_BATCH_SIZE}; see this module's reference.conf).
   *
   * @throws com.typesafe.config.ConfigException if a setting is missing or has the wrong type
   * @throws IllegalArgumentException if a value is out of range
   */
  public static RetentionSettings from(Config config) {
    Config store = config.getConfig("tracefold.store");
    Map<String, Integer> projects = new TreeMap<>();
    Config overrides = store.getConfig("project-retention-days");
    overrides
        .root()
        .keySet()
        .forEach(project -> projects.put(project, overrides.getInt("\"" + project + "\"")));
    return new RetentionSettings(
        store.getInt("retention-days"),
        projects,
        store.getDuration("retention-interval"),
        store.getInt("retention-batch-size"));
  }

  /** Days the project's traces are kept; 0 = forever. */
  public int retentionDaysOf(String projectId) {
    return projectRetentionDays.getOrDefault(projectId, retentionDays);
  }

  private static void checkDays(String path, int days) {
    if (days < 0) {
      throw new IllegalArgumentException(path + " must be >= 0 (0 keeps traces), was " + days);
    }
  }
}

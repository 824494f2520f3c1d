package dev.tracefold.completion;

import com.typesafe.config.Config;
import dev.tracefold.service.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the completion stream ({@code tracefold.completion.*} in reference.conf). Immutable.
 *
 * @param quietWindow a trace completes when no span of it arrived for this long (ingest time: the
 *     record timestamps of {@code tracefold.spans}, see {@link CompletionClock})
 * @param projectQuietWindows per-project overrides of {@code quietWindow}
 * @param rootAware root-aware and document completion (see {@link RootAwareSettings})
 * @param punctuationInterval how often the wall-clock punctuator looks for due traces
 * @param endOffsetsInterval how often the end offsets of {@code tracefold.spans} are read: a task
 *     that processed everything its partition held at a reading follows the wall clock up to it
 * @param clockGrace how far the completion clock of a caught-up task stays behind the time it was
 *     caught up at (clock skew between the brokers and this host)
 * @param maxTraceLifetime completion is forced this long after the first span of an open period
 * @param maxSpansPerTrace completion is forced when a trace holds this many spans
 * @param maxTraceBytes completion is forced when the encoded spans reach this many bytes
 * @param completedRetention spans of a completed trace are kept this long for late spans
 * @param tombstoneRetention after that, the trace's revision is kept this long (late spans then
 *     start a partial revision)
 * @param applicationId Kafka Streams application id (consumer group, changelog topic prefix)
 * @param stateDir RocksDB state directory
 * @param streamThreads Kafka Streams threads
 * @param commitInterval how often buffered spans are committed (Kafka Streams {@code
 *     commit.interval.ms}; its exactly-once default is 100 ms); a punctuation that emitted a
 *     revision commits at once, so this delays no completed trace
 * @param cacheMaxBytes record cache in front of the RocksDB stores, bytes of heap (Kafka Streams
 *     {@code statestore.cache.max.bytes}, default 10 MiB): a trace's state written again before a
 *     commit reaches RocksDB and its changelog once
 * @param rocksDbMemoryBytes native memory of all RocksDB stores in the JVM: one shared block cache,
 *     half of which the memtables may take (see {@link CompletionRocksDbOptions})
 * @param opsPort port of /metrics and /health when run on its own
 */
public record CompletionSettings(
    Duration quietWindow,
    Map<String, Duration> projectQuietWindows,
    RootAwareSettings rootAware,
    Duration punctuationInterval,
    Duration endOffsetsInterval,
    Duration clockGrace,
    Duration maxTraceLifetime,
    int maxSpansPerTrace,
    long maxTraceBytes,
    Duration completedRetention,
    Duration tombstoneRetention,
    String applicationId,
    Path stateDir,
    int streamThreads,
    Duration commitInterval,
    long cacheMaxBytes,
    long rocksDbMemoryBytes,
    int opsPort) {

  /**
   * Longest commit interval: half of Kafka Streams' exactly-once transaction timeout (10 s), which
   * an open transaction must not outlive.
   */
  public static final Duration MAX_COMMIT_INTERVAL = Duration.ofSeconds(5);

  public CompletionSettings {
    Objects.requireNonNull(quietWindow, "quietWindow");
    projectQuietWindows = Map.copyOf(projectQuietWindows);
    Objects.requireNonNull(rootAware, "rootAware");
    Objects.requireNonNull(punctuationInterval, "punctuationInterval");
    Objects.requireNonNull(endOffsetsInterval, "endOffsetsInterval");
    Objects.requireNonNull(clockGrace, "clockGrace");
    Objects.requireNonNull(maxTraceLifetime, "maxTraceLifetime");
    Objects.requireNonNull(completedRetention, "completedRetention");
    Objects.requireNonNull(tombstoneRetention, "tombstoneRetention");
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(commitInterval, "commitInterval");
    if (quietWindow.isZero()) {
      throw new IllegalArgumentException("tracefold.completion.quiet-window must be positive");
    }
    if (punctuationInterval.toMillis() < 1) {
      throw new IllegalArgumentException(
          "tracefold.completion.punctuation-interval must be at least 1ms");
    }
    if (endOffsetsInterval.toMillis() < 10 || clockGrace.isNegative()) {
      throw new IllegalArgumentException(
          "tracefold.completion.end-offsets-interval must be at least 10ms and clock-grace not"
              + " negative");
    }
    if (commitInterval.toMillis() < 1
        || commitInterval.compareTo(MAX_COMMIT_INTERVAL) > 0
        || cacheMaxBytes < 0
        || rocksDbMemoryBytes < 1) {
      throw new IllegalArgumentException(
          "tracefold.completion.commit-interval must be between 1ms and "
              + MAX_COMMIT_INTERVAL.toSeconds()
              + "s (half the stream's 10s transaction timeout), cache-max-bytes not negative and"
              + " rocksdb-memory positive");
    }
    if (maxSpansPerTrace < 1 || maxTraceBytes < 1) {
      throw new IllegalArgumentException(
          "max-spans-per-trace and max-trace-bytes must be positive");
    }
  }

  /** Reads {@code tracefold.completion.*}. */
  public static CompletionSettings from(Config config) {
    String prefix = "tracefold.completion.";
    Config c = config.getConfig("tracefold.completion");
    Map<String, Duration> perProject = new HashMap<>();
    Config overrides = c.getConfig("project-quiet-windows");
    for (String project : overrides.root().keySet()) {
      perProject.put(project, Durations.get(overrides, "\"" + project + "\""));
    }
    return new CompletionSettings(
        Durations.get(config, prefix + "quiet-window"),
        perProject,
        RootAwareSettings.from(config),
        Durations.get(config, prefix + "punctuation-interval"),
        Durations.get(config, prefix + "end-offsets-interval"),
        Durations.get(config, prefix + "clock-grace"),
        Durations.get(config, prefix + "max-trace-lifetime"),
        c.getInt("max-spans-per-trace"),
        c.getBytes("max-trace-bytes"),
        Durations.get(config, prefix + "completed-retention"),
        Durations.get(config, prefix + "tombstone-retention"),
        c.getString("application-id"),
        Path.of(c.getString("state-dir")),
        c.getInt("stream-threads"),
        Durations.get(config, prefix + "commit-interval"),
        c.getBytes("cache-max-bytes"),
        c.getBytes("rocksdb-memory"),
        c.getInt("ops-port"));
  }

  /** The quiet window of one project: its override, else the global one. */
  public Duration quietWindowFor(String projectId) {
    return projectQuietWindows.getOrDefault(projectId, quietWindow);
  }

  /** A copy with another quiet window (tests, benchmarks). */
  public CompletionSettings withQuietWindow(Duration window) {
    return new CompletionSettings(
        window,
        projectQuietWindows,
        rootAware,
        punctuationInterval,
        endOffsetsInterval,
        clockGrace,
        maxTraceLifetime,
        maxSpansPerTrace,
        maxTraceBytes,
        completedRetention,
        tombstoneRetention,
        applicationId,
        stateDir,
        streamThreads,
        commitInterval,
        cacheMaxBytes,
        rocksDbMemoryBytes,
        opsPort);
  }

  /** A copy with other root-aware settings (tests, benchmarks). */
  public CompletionSettings withRootAware(RootAwareSettings settings) {
    return new CompletionSettings(
        quietWindow,
        projectQuietWindows,
        settings,
        punctuationInterval,
        endOffsetsInterval,
        clockGrace,
        maxTraceLifetime,
        maxSpansPerTrace,
        maxTraceBytes,
        completedRetention,
        tombstoneRetention,
        applicationId,
        stateDir,
        streamThreads,
        commitInterval,
        cacheMaxBytes,
        rocksDbMemoryBytes,
        opsPort);
  }

  /** A copy with another state directory (tests, standalone). */
  public CompletionSettings withStateDir(Path dir) {
    return new CompletionSettings(
        quietWindow,
        projectQuietWindows,
        rootAware,
        punctuationInterval,
        endOffsetsInterval,
        clockGrace,
        maxTraceLifetime,
        maxSpansPerTrace,
        maxTraceBytes,
        completedRetention,
        tombstoneRetention,
        applicationId,
        dir,
        streamThreads,
        commitInterval,
        cacheMaxBytes,
        rocksDbMemoryBytes,
        opsPort);
  }
}

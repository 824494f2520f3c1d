package dev.tracefold.sink;

import com.typesafe.config.Config;
import dev.tracefold.service.Durations;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the rollup sink ({@code tracefold.sink.*}; see this module's reference.conf for the
 * defaults and environment variables). Immutable.
 *
 * @param pollTimeout longest one consumer poll waits for records
 * @param maxPollRecords most span records per poll (one database transaction each)
 * @param spanBatchWait longest the broker holds the span writer's fetch to fill a batch (its
 *     consumer's {@code fetch.max.wait.ms}, with a {@code fetch.min.bytes} no batch of the default
 *     size reaches first): fewer, larger batches mean fewer updates of each in-progress trace's
 *     row, at the price of that much delay before spans are visible; zero returns what is there at
 *     once
 * @param spanWriteConcurrency how many groups (by trace) the span writer splits a poll into and
 *     stores at once, each group in one database transaction; the poll's offsets are committed
 *     after all of them
 * @param completedMaxPollRecords most completed-trace records per poll (one Kafka transaction each)
 * @param completedWriteConcurrency how many groups (by trace) the completed-trace writer splits a
 *     poll into and stores at once (each group in one database transaction; revisions of one trace
 *     in order)
 * @param spansGroupId consumer group of the span writer
 * @param tracesGroupId consumer group of the completed-trace writer
 * @param transactionalIdPrefix prefix of the trigger producer's {@code transactional.id}
 * @param instanceId stable, unique name of this instance; suffix of the {@code transactional.id}
 * @param retryBackoff pause before a failed batch is retried
 * @param opsPort port of {@code /metrics} and {@code /health} (0 = any free port)
 * @param rulesRefreshInterval how often the evaluation rules and annotation queues are read again
 *     from the store: the longest a change takes to apply
 * @param lastTurnPollInterval how often the scheduler of turn-last triggers looks for due ones
 * @param lastTurnBatchSize most turn-last triggers published in one Kafka transaction
 */
public record SinkSettings(
    Duration pollTimeout,
    int maxPollRecords,
    Duration spanBatchWait,
    int spanWriteConcurrency,
    int completedMaxPollRecords,
    int completedWriteConcurrency,
    String spansGroupId,
    String tracesGroupId,
    String transactionalIdPrefix,
    String instanceId,
    Duration retryBackoff,
    int opsPort,
    Duration rulesRefreshInterval,
    Duration lastTurnPollInterval,
    int lastTurnBatchSize) {
  public SinkSettings {
    Objects.requireNonNull(pollTimeout, "pollTimeout");
    Objects.requireNonNull(spansGroupId, "spansGroupId");
    Objects.requireNonNull(tracesGroupId, "tracesGroupId");
    Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    Objects.requireNonNull(spanBatchWait, "spanBatchWait");
    if (spanBatchWait.isNegative() || spanBatchWait.compareTo(Duration.ofSeconds(30)) > 0) {
      throw new IllegalArgumentException(
          "tracefold.sink.span-batch-wait must be within 0..30s, was " + spanBatchWait);
    }
    Objects.requireNonNull(rulesRefreshInterval, "rulesRefreshInterval");
    Objects.requireNonNull(lastTurnPollInterval, "lastTurnPollInterval");
    requirePositive("max-poll-records", maxPollRecords);
    requirePositive("last-turn-batch-size", lastTurnBatchSize);
    requirePositiveDuration("rules-refresh-interval", rulesRefreshInterval);
    requirePositiveDuration("last-turn-poll-interval", lastTurnPollInterval);
    requirePositive("span-write-concurrency", spanWriteConcurrency);
    requirePositive("completed-max-poll-records", completedMaxPollRecords);
    requirePositive("completed-write-concurrency", completedWriteConcurrency);
    requireNonBlank("spans-group-id", spansGroupId);
    requireNonBlank("traces-group-id", tracesGroupId);
    requireNonBlank("transactional-id-prefix", transactionalIdPrefix);
    requireNonBlank("instance-id", instanceId);
    if (opsPort < 0 || opsPort > 65_535) {
      throw new IllegalArgumentException(
          "tracefold.sink.ops-port must be within 0..65535, was " + opsPort);
    }
  }

  /**
   * Reads {@code tracefold.sink.*}. An empty {@code instance-id} becomes the {@code HOSTNAME}
   * environment variable, else the local host name.
   *
   * @throws com.typesafe.config.ConfigException if a setting is missing or malformed
   * @throws IllegalArgumentException if a value is out of range
   */
  public static SinkSettings from(Config config) {
    Config sink = config.getConfig("tracefold.sink");
    String instanceId = sink.getString("instance-id").trim();
    return new SinkSettings(
        Durations.get(config, "tracefold.sink.poll-timeout"),
        sink.getInt("max-poll-records"),
        Durations.get(config, "tracefold.sink.span-batch-wait"),
        sink.getInt("span-write-concurrency"),
        sink.getInt("completed-max-poll-records"),
        sink.getInt("completed-write-concurrency"),
        sink.getString("spans-group-id"),
        sink.getString("traces-group-id"),
        sink.getString("transactional-id-prefix"),
        instanceId.isEmpty() ? defaultInstanceId() : instanceId,
        Durations.get(config, "tracefold.sink.retry-backoff"),
        sink.getInt("ops-port"),
        Durations.get(config, "tracefold.sink.rules-refresh-interval"),
        Durations.get(config, "tracefold.sink.last-turn-poll-interval"),
        sink.getInt("last-turn-batch-size"));
  }

  /** The trigger producer's {@code transactional.id}: {@code <prefix>-<instanceId>}. */
  public String transactionalId() {
    return transactionalIdPrefix + "-" + instanceId;
  }

  /** The same settings with another instance id (e.g. one per sink in a test). */
  public SinkSettings withInstanceId(String id) {
    return new SinkSettings(
        pollTimeout,
        maxPollRecords,
        spanBatchWait,
        spanWriteConcurrency,
        completedMaxPollRecords,
        completedWriteConcurrency,
        spansGroupId,
        tracesGroupId,
        transactionalIdPrefix,
        id,
        retryBackoff,
        opsPort,
        rulesRefreshInterval,
        lastTurnPollInterval,
        lastTurnBatchSize);
  }

  /**
   * The {@code transactional.id} of the turn-last scheduler's producer: {@code
   * <prefix>-<instanceId>-last-turn}.
   */
  public String lastTurnTransactionalId() {
    return transactionalId() + "-last-turn";
  }

  /**
   * The consumer group whose committed offset on {@code tracefold.evaluation.triggers} partition 0
   * is the turn-last scheduler's marker ({@link
   * dev.tracefold.store.evaluation.PendingTriggerStore}): {@code <prefix>-last-turn-<instanceId>}.
   * No consumer ever joins it.
   */
  public String lastTurnMarkerGroupId() {
    return transactionalIdPrefix + "-last-turn-" + instanceId;
  }

  private static String defaultInstanceId() {
    String hostname = System.getenv("HOSTNAME");
    if (hostname != null && !hostname.isBlank()) {
      return hostname.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "rollup-sink";
    }
  }

  private static void requirePositive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException("tracefold.sink." + name + " must be >= 1, was " + value);
    }
  }

  private static void requirePositiveDuration(String name, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(
          "tracefold.sink." + name + " must be positive, was " + value);
    }
  }

  private static void requireNonBlank(String name, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("tracefold.sink." + name + " must not be empty");
    }
  }
}

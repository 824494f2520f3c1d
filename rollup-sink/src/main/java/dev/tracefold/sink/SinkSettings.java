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
 * @param completedMaxPollRecords most completed-trace records per poll (one Kafka transaction each)
 * @param spansGroupId consumer group of the span writer
 * @param tracesGroupId consumer group of the completed-trace writer
 * @param transactionalIdPrefix prefix of the trigger producer's {@code transactional.id}
 * @param instanceId stable, unique name of this instance; suffix of the {@code transactional.id}
 * @param retryBackoff pause before a failed batch is retried
 * @param opsPort port of {@code /metrics} and {@code /health} (0 = any free port)
 */
public record SinkSettings(
    Duration pollTimeout,
    int maxPollRecords,
    int completedMaxPollRecords,
    String spansGroupId,
    String tracesGroupId,
    String transactionalIdPrefix,
    String instanceId,
    Duration retryBackoff,
    int opsPort) {
  public SinkSettings {
    Objects.requireNonNull(pollTimeout, "pollTimeout");
    Objects.requireNonNull(spansGroupId, "spansGroupId");
    Objects.requireNonNull(tracesGroupId, "tracesGroupId");
    Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    requirePositive("max-poll-records", maxPollRecords);
    requirePositive("completed-max-poll-records", completedMaxPollRecords);
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
        sink.getInt("completed-max-poll-records"),
        sink.getString("spans-group-id"),
        sink.getString("traces-group-id"),
        sink.getString("transactional-id-prefix"),
        instanceId.isEmpty() ? defaultInstanceId() : instanceId,
        Durations.get(config, "tracefold.sink.retry-backoff"),
        sink.getInt("ops-port"));
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
        completedMaxPollRecords,
        spansGroupId,
        tracesGroupId,
        transactionalIdPrefix,
        id,
        retryBackoff,
        opsPort);
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

  private static void requireNonBlank(String name, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("tracefold.sink." + name + " must not be empty");
    }
  }
}

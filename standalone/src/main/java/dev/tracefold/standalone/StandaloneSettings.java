package dev.tracefold.standalone;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings of standalone mode ({@code tracefold.standalone.*}). Immutable.
 *
 * @param dataDir folder holding the broker's logs, PostgreSQL's data and the stream's state
 * @param kafkaPort port of the embedded broker (0 = any free port)
 * @param postgresPort port of the embedded PostgreSQL (0 = any free port)
 * @param externalKafkaBootstrapServers when present, use this Kafka instead of the embedded one
 * @param externalStoreJdbcUrl when present, use this PostgreSQL instead of the embedded one
 * @param bindAddress the address the gateway (and the read API and console on its port) listens on:
 *     {@code 127.0.0.1} by default, so a development pipeline with its well-known development key
 *     is not reachable from other machines
 */
public record StandaloneSettings(
    Path dataDir,
    int kafkaPort,
    int postgresPort,
    Optional<String> externalKafkaBootstrapServers,
    Optional<String> externalStoreJdbcUrl,
    String bindAddress) {

  /** Reads {@code tracefold.standalone.*}. */
  public static StandaloneSettings from(Config config) {
    Config c = config.getConfig("tracefold.standalone");
    return new StandaloneSettings(
        Path.of(c.getString("data-dir")),
        c.getInt("kafka-port"),
        c.getInt("postgres-port"),
        optional(c, "external-kafka-bootstrap-servers"),
        optional(c, "external-store-jdbc-url"),
        c.getString("bind-address"));
  }

  private static Optional<String> optional(Config c, String path) {
    return c.hasPath(path) && !c.getString(path).isBlank()
        ? Optional.of(c.getString(path))
        : Optional.empty();
  }
}

package dev.tracefold.standalone;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;

/** Configurations for pipelines started by tests. Stateless. */
public final class TestConfigs {
  private TestConfigs() {}

  /**
   * The default configuration with every port ephemeral (broker, PostgreSQL, OTLP/HTTP, API), data
   * under {@code dataDir}, the given quiet window (e.g. {@code 4s}) and a 200 ms punctuation
   * interval.
   */
  public static Config ephemeral(Path dataDir, String quietWindow) {
    return ConfigFactory.parseMap(
            Map.of(
                "tracefold.standalone.data-dir", dataDir.toString(),
                "tracefold.standalone.kafka-port", 0,
                "tracefold.standalone.postgres-port", 0,
                "tracefold.gateway.otlp-http-port", 0,
                "tracefold.gateway.otlp-grpc-port", 0,
                "tracefold.gateway.api-port", 0,
                "tracefold.completion.quiet-window", quietWindow,
                "tracefold.completion.punctuation-interval", "200ms"))
        .withFallback(ConfigFactory.load());
  }
}

package dev.tracefold.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.tracefold.gateway.ingest.IngestLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {
  @Test
  void readsDefaultsFromReferenceConf() {
    GatewaySettings settings = GatewaySettings.from(ConfigFactory.defaultReference());

    assertThat(settings).isEqualTo(GatewaySettings.defaults());
    assertThat(settings.otlpHttpPort()).isEqualTo(4318);
    assertThat(settings.apiPort()).isEqualTo(8080);
    assertThat(settings.maxRequestBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(settings.produceTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.otlpGrpcPort()).isEqualTo(4317);
    assertThat(settings.limits())
        .isEqualTo(
            new IngestLimits(
                10_000, 128, 8192, 128, 4 * 1024 * 1024, 50 * 1024 * 1024, 256 * 1024));
  }

  @Test
  void readsOverrides() {
    GatewaySettings settings =
        GatewaySettings.from(
            ConfigFactory.parseString(
                    "tracefold.gateway { otlp-http-port = 0, api-port = 9090,"
                        + " max-request-bytes = 1MiB, produce-timeout = 250ms, otlp-grpc-port = 0,"
                        + " max-spans-per-request = 5, max-attributes-per-span = 6,"
                        + " max-attribute-value-length = 7, max-json-nesting-depth = 8,"
                        + " max-json-string-length = 9, max-upload-bytes = 1KiB,"
                        + " max-input-output-length = 10, bind-address = \"127.0.0.1\" }")
                .withFallback(ConfigFactory.defaultReference()));

    assertThat(settings)
        .isEqualTo(
            new GatewaySettings(
                0,
                9090,
                1024 * 1024,
                Duration.ofMillis(250),
                0,
                new IngestLimits(5, 6, 7, 8, 9, 1024, 10),
                "127.0.0.1"));
  }

  @Test
  void validates() {
    IngestLimits limits = IngestLimits.defaults();
    assertThatThrownBy(
            () -> new GatewaySettings(70000, 0, 1, Duration.ofSeconds(1), 0, limits, "0.0.0.0"))
        .hasMessage("tracefold.gateway.otlp-http-port must be 0..65535, was 70000");
    assertThatThrownBy(
            () -> new GatewaySettings(0, 0, 0, Duration.ofSeconds(1), 0, limits, "0.0.0.0"))
        .hasMessage("tracefold.gateway.max-request-bytes must be positive, was 0");
    assertThatThrownBy(() -> new GatewaySettings(0, 0, 1, Duration.ZERO, 0, limits, "0.0.0.0"))
        .hasMessage("tracefold.gateway.produce-timeout must be at least 1ms, was PT0S");
    assertThatThrownBy(
            () -> new GatewaySettings(0, 0, 1, Duration.ofSeconds(1), -1, limits, "0.0.0.0"))
        .hasMessage("tracefold.gateway.otlp-grpc-port must be 0..65535, was -1");
    assertThatThrownBy(() -> new GatewaySettings(0, 0, 1, Duration.ofSeconds(1), 0, limits, " "))
        .hasMessage("tracefold.gateway.bind-address must not be blank");
    assertThatThrownBy(() -> limits.withMaxSpansPerRequest(0))
        .hasMessage("tracefold.gateway.max-spans-per-request must be positive, was 0");
  }
}

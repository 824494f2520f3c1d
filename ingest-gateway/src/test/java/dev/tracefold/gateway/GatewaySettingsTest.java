package dev.tracefold.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
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
  }

  @Test
  void readsOverrides() {
    GatewaySettings settings =
        GatewaySettings.from(
            ConfigFactory.parseString(
                    "tracefold.gateway { otlp-http-port = 0, api-port = 9090,"
                        + " max-request-bytes = 1MiB, produce-timeout = 250ms }")
                .withFallback(ConfigFactory.defaultReference()));

    assertThat(settings)
        .isEqualTo(new GatewaySettings(0, 9090, 1024 * 1024, Duration.ofMillis(250)));
  }

  @Test
  void validates() {
    assertThatThrownBy(() -> new GatewaySettings(70000, 0, 1, Duration.ofSeconds(1)))
        .hasMessage("tracefold.gateway.otlp-http-port must be 0..65535, was 70000");
    assertThatThrownBy(() -> new GatewaySettings(0, 0, 0, Duration.ofSeconds(1)))
        .hasMessage("tracefold.gateway.max-request-bytes must be positive, was 0");
    assertThatThrownBy(() -> new GatewaySettings(0, 0, 1, Duration.ZERO))
        .hasMessage("tracefold.gateway.produce-timeout must be at least 1ms, was PT0S");
  }
}

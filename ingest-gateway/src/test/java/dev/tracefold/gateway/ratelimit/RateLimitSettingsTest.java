package dev.tracefold.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitSettingsTest {
  @Test
  void readsDefaultsFromReferenceConf() {
    RateLimitSettings settings = RateLimitSettings.from(ConfigFactory.defaultReference());

    assertThat(settings).isEqualTo(RateLimitSettings.defaults());
    assertThat(settings.defaultLimit()).isEqualTo(new RateLimit(50_000, 64L * 1024 * 1024));
    assertThat(settings.burst()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.projects()).isEmpty();
  }

  @Test
  void readsOverridesAndPerProjectLimitsFallingBackToTheDefaults() {
    RateLimitSettings settings =
        RateLimitSettings.from(
            ConfigFactory.parseString(
                    "tracefold.gateway.rate-limit { spans-per-second = 100,"
                        + " bytes-per-second = 1MiB, burst = 500ms,"
                        + " projects { \"team.prod\" { spans-per-second = 5000 },"
                        + " tiny { bytes-per-second = 1024 } } }")
                .withFallback(ConfigFactory.defaultReference()));

    assertThat(settings.defaultLimit()).isEqualTo(new RateLimit(100, 1024 * 1024));
    assertThat(settings.burst()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.projects())
        .isEqualTo(
            Map.of(
                "team.prod", new RateLimit(5000, 1024 * 1024), "tiny", new RateLimit(100, 1024)));
    assertThat(settings.limitOf("tiny")).isEqualTo(new RateLimit(100, 1024));
    assertThat(settings.limitOf("other")).isEqualTo(settings.defaultLimit());
  }

  @Test
  void validates() {
    assertThatThrownBy(() -> new RateLimit(-1, 0))
        .hasMessage("rate limits must be >= 0 (0 = unlimited), were -1 spans/s and 0 bytes/s");
    assertThatThrownBy(() -> new RateLimitSettings(RateLimit.UNLIMITED, Duration.ZERO, Map.of()))
        .hasMessage("tracefold.gateway.rate-limit.burst must be at least 1ms, was PT0S");
    assertThatThrownBy(
            () ->
                new RateLimitSettings(
                    RateLimit.UNLIMITED, Duration.ofSeconds(1), Map.of("a/b", RateLimit.UNLIMITED)))
        .hasMessage(
            "a project id must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or '-', got 'a/b'");
  }
}

package dev.tracefold.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionSettingsTest {
  @Test
  void readsDefaultsAndPerProjectOverrides() {
    RetentionSettings defaults = RetentionSettings.from(ConfigFactory.load());
    RetentionSettings custom =
        RetentionSettings.from(
            ConfigFactory.parseString(
                    "tracefold.store { retention-days = 14, retention-interval = 15m,"
                        + " retention-batch-size = 100,"
                        + " project-retention-days { \"short.lived\" = 1, keep = 0 } }")
                .withFallback(ConfigFactory.load()));

    assertThat(defaults).isEqualTo(new RetentionSettings(30, Map.of(), Duration.ofHours(1), 500));
    assertThat(custom.retentionDaysOf("short.lived")).isEqualTo(1);
    assertThat(custom.retentionDaysOf("keep")).isZero();
    assertThat(custom.retentionDaysOf("other")).isEqualTo(14);
    assertThat(custom.interval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(custom.batchSize()).isEqualTo(100);
  }

  @Test
  void rejectsOutOfRangeValues() {
    assertThatThrownBy(() -> new RetentionSettings(-1, Map.of(), Duration.ofHours(1), 500))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tracefold.store.retention-days must be >= 0 (0 keeps traces), was -1");
    assertThatThrownBy(() -> new RetentionSettings(30, Map.of("p", -2), Duration.ofHours(1), 500))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "tracefold.store.project-retention-days.\"p\" must be >= 0 (0 keeps traces), was -2");
    assertThatThrownBy(() -> new RetentionSettings(30, Map.of(), Duration.ofMillis(10), 500))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tracefold.store.retention-interval must be at least 1s, was PT0.01S");
    assertThatThrownBy(() -> new RetentionSettings(30, Map.of(), Duration.ofHours(1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tracefold.store.retention-batch-size must be 1..10000, was 0");
  }
}

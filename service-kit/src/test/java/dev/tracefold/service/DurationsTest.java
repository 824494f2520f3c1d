package dev.tracefold.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void acceptsHoconAndIsoForms() {
    assertThat(Durations.parse("300ms")).isEqualTo(Duration.ofMillis(300));
    assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("pt0.3s")).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void rejectsGarbageNamingThePath() {
    var config = ConfigFactory.parseString("tracefold.completion.quiet-window = soon");
    assertThatThrownBy(() -> Durations.get(config, "tracefold.completion.quiet-window"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("tracefold.completion.quiet-window")
        .hasMessageContaining(
            "'soon' is not a duration; use e.g. 300ms, 5s, 5m, 1h or ISO-8601 PT5M");
  }

  @Test
  void rejectsNegative() {
    var config = ConfigFactory.parseString("w = \"PT-5S\"");
    assertThatThrownBy(() -> Durations.get(config, "w"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("must not be negative");
  }
}

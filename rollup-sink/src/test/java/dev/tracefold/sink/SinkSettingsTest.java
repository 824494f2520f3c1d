package dev.tracefold.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SinkSettingsTest {
  @Test
  void defaultsComeFromReferenceConf() {
    SinkSettings settings =
        SinkSettings.from(
            ConfigFactory.parseString("tracefold.sink.instance-id = sink-a")
                .withFallback(ConfigFactory.defaultReference()));

    assertThat(settings.pollTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.maxPollRecords()).isEqualTo(5000);
    assertThat(settings.spanWriteConcurrency()).isEqualTo(1);
    assertThat(settings.completedMaxPollRecords()).isEqualTo(200);
    assertThat(settings.completedWriteConcurrency()).isEqualTo(2);
    assertThat(settings.spansGroupId()).isEqualTo("tracefold-rollup-sink-spans");
    assertThat(settings.tracesGroupId()).isEqualTo("tracefold-rollup-sink-traces");
    assertThat(settings.transactionalId()).isEqualTo("tracefold-rollup-sink-sink-a");
    assertThat(settings.retryBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.opsPort()).isEqualTo(8082);
  }

  @Test
  void anEmptyInstanceIdFallsBackToTheHostName() {
    SinkSettings settings = SinkSettings.from(ConfigFactory.defaultReference());

    assertThat(settings.instanceId()).isNotBlank();
    assertThat(settings.transactionalId())
        .isEqualTo("tracefold-rollup-sink-" + settings.instanceId());
  }

  @Test
  void rejectsOutOfRangeValuesNamingTheSetting() {
    Config zeroRecords =
        ConfigFactory.parseString("tracefold.sink.max-poll-records = 0")
            .withFallback(ConfigFactory.defaultReference());
    Config badPort =
        ConfigFactory.parseString("tracefold.sink.ops-port = 70000")
            .withFallback(ConfigFactory.defaultReference());

    assertThatThrownBy(() -> SinkSettings.from(zeroRecords))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tracefold.sink.max-poll-records must be >= 1, was 0");
    assertThatThrownBy(() -> SinkSettings.from(badPort))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tracefold.sink.ops-port must be within 0..65535, was 70000");
  }
}

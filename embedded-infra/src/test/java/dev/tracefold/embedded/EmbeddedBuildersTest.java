package dev.tracefold.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builder validation and failures that need no running server. */
class EmbeddedBuildersTest {
  @TempDir Path dataDir;

  @Test
  void kafkaBuilderValidatesOptions() {
    assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dataDir is required");
    assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().dataDir(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().port(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().port(65_536))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().startupTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerConfig("listeners", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("managed");
    assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerConfig("log.dirs", "/x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerConfig("a", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void kafkaBuildIsAnImmutableSnapshot() {
    EmbeddedKafkaBroker.Builder builder =
        EmbeddedKafkaBroker.builder().dataDir(dataDir).brokerConfig("num.partitions", "3");
    EmbeddedKafkaBroker broker = builder.build();
    builder.brokerConfig("log.retention.hours", "1");
    assertThat(broker.brokerConfigOverrides())
        .containsExactly(java.util.Map.entry("num.partitions", "3"));
    assertThatThrownBy(() -> broker.brokerConfigOverrides().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(broker.dataDir()).isEqualTo(dataDir.toAbsolutePath().normalize());
    assertThatThrownBy(broker::bootstrapServers)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not been started");
  }

  @Test
  void kafkaDefaultsMatchTheDocumentation() {
    assertThat(EmbeddedKafkaBroker.defaultBrokerConfig(Duration.ofSeconds(30)))
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("share.coordinator.state.topic.replication.factor", "1")
        .containsEntry("share.coordinator.state.topic.min.isr", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0")
        .containsEntry("unstable.api.versions.enable", "false")
        .containsEntry("unstable.feature.versions.enable", "false")
        .containsEntry("auto.create.topics.enable", "false")
        .containsEntry("num.partitions", "1")
        .containsEntry("message.max.bytes", String.valueOf(16 * 1024 * 1024))
        .containsEntry("log.retention.hours", "168")
        .containsEntry("server.max.startup.time.ms", "30000");
  }

  @Test
  void invalidKafkaOverrideFailsBeforeFormattingAndReleasesTheDirectory() {
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder()
            .dataDir(dataDir)
            .brokerConfig("num.partitions", "many")
            .build();
    assertThatThrownBy(broker::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed to start")
        .hasMessageContaining("num.partitions");
    assertThat(dataDir.resolve(EmbeddedKafkaBroker.LOG_DIR_NAME).resolve("meta.properties"))
        .doesNotExist();
    DataDirClaim.claim(dataDir.toAbsolutePath().normalize(), "test").close();
    broker.close();
  }

  @Test
  void postgresBuilderValidatesOptions() throws Exception {
    assertThatThrownBy(() -> EmbeddedPostgresServer.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dataDir is required");
    assertThatThrownBy(() -> EmbeddedPostgresServer.builder().dataDir(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> EmbeddedPostgresServer.builder().port(70_000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddedPostgresServer.builder().serverConfig("port", "5432"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> EmbeddedPostgresServer.builder().startupTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);

    EmbeddedPostgresServer.Builder builder =
        EmbeddedPostgresServer.builder().dataDir(dataDir).serverConfig("fsync", "on");
    EmbeddedPostgresServer server = builder.build();
    builder.serverConfig("work_mem", "8MB");
    assertThat(server.serverConfig()).containsOnlyKeys("fsync");
    assertThat(server.username()).isEqualTo("postgres");
    assertThatThrownBy(server::jdbcUrl).isInstanceOf(IllegalStateException.class);
    assertThat(Files.list(dataDir)).isEmpty();
  }
}

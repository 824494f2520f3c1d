package dev.tracefold.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tracefold.embedded.EmbeddedPostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StandaloneMain} in a child JVM, stopped by SIGTERM while it is still starting: the
 * embedded PostgreSQL, a child process of that JVM, must not outlive it.
 */
class StandaloneShutdownIT {
  @TempDir Path dataDir;

  @Test
  void sigtermDuringStartUpStopsTheEmbeddedPostgresql() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
            "-Dtracefold.standalone.data-dir=" + dataDir,
            "-Dtracefold.standalone.kafka-port=0",
            "-Dtracefold.standalone.postgres-port=0",
            "-Dtracefold.gateway.otlp-http-port=0",
            "-Dtracefold.gateway.otlp-grpc-port=0",
            "-Dtracefold.gateway.api-port=0",
            "-cp",
            System.getProperty("java.class.path"),
            StandaloneMain.class.getName());
    builder.redirectErrorStream(true);
    builder.redirectOutput(dataDir.resolve("standalone.log").toFile());
    Process child = builder.start();
    Path pidFile =
        dataDir
            .resolve("postgres")
            .resolve(EmbeddedPostgresServer.PGDATA_DIR_NAME)
            .resolve("postmaster.pid");
    Optional<ProcessHandle> postgres = Optional.empty();
    try {
      // PostgreSQL is up (its pid file names the postmaster) while the streams and the gateway
      // are still starting
      long pid =
          await()
              .atMost(Duration.ofSeconds(120))
              .ignoreExceptions()
              .until(() -> postmasterPid(pidFile), p -> p > 0);
      postgres = ProcessHandle.of(pid);
      assertThat(postgres).isPresent();

      child.destroy(); // SIGTERM

      assertThat(child.waitFor(90, TimeUnit.SECONDS)).as(log()).isTrue();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      assertThat(pidFile).doesNotExist();
    } finally {
      child.destroyForcibly();
      postgres.ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static long postmasterPid(Path pidFile) throws Exception {
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    return Long.parseLong(lines.get(0).trim());
  }

  private String log() throws Exception {
    return Files.readString(dataDir.resolve("standalone.log"), StandardCharsets.UTF_8);
  }
}

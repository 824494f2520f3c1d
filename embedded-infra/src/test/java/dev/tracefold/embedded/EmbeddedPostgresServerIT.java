package dev.tracefold.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerIT {
  @TempDir Path dataDir;

  @AfterEach
  void noPostgresProcessLeft() {
    assertThat(PostgresProcesses.running()).isEmpty();
  }

  @Test
  void keepsDataAcrossRestart() throws Exception {
    EmbeddedPostgresServer first =
        EmbeddedPostgresServer.builder().dataDir(dataDir).serverConfig("fsync", "on").build();
    first.start();
    assertThat(first.jdbcUrl())
        .isEqualTo("jdbc:postgresql://localhost:" + first.port() + "/postgres");
    try (Connection c = connect(first);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE trace (id text PRIMARY KEY, spans int NOT NULL)");
      s.execute("INSERT INTO trace VALUES ('t-1', 42)");
      assertThat(queryString(s, "SHOW fsync")).isEqualTo("on");
      assertThat(queryString(s, "SHOW server_encoding")).isEqualTo("UTF8");
      assertThat(queryString(s, "SELECT upper('ünïcode')")).isEqualTo("ÜNÏCODE");
    }
    first.close();
    first.close();
    assertThat(PostgresProcesses.running()).isEmpty();
    assertThatThrownBy(first::start).isInstanceOf(IllegalStateException.class);

    EmbeddedPostgresServer second = EmbeddedPostgresServer.builder().dataDir(dataDir).build();
    try {
      second.start();
      EmbeddedPostgresServer intruder = EmbeddedPostgresServer.builder().dataDir(dataDir).build();
      assertThatThrownBy(intruder::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already used by another running EmbeddedPostgresServer");
      try (Connection c = connect(second);
          Statement s = c.createStatement()) {
        assertThat(queryString(s, "SELECT id || ':' || spans FROM trace")).isEqualTo("t-1:42");
        assertThat(queryString(s, "SHOW fsync")).isEqualTo("off");
      }
    } finally {
      second.close();
      second.close();
    }
  }

  @Test
  void fixedPortIsUsedAndAPortInUseFailsFast() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
      port = socket.getLocalPort();
      EmbeddedPostgresServer blocked =
          EmbeddedPostgresServer.builder().dataDir(dataDir).port(port).build();
      assertThatThrownBy(blocked::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("port in use");
    }
    try (EmbeddedPostgresServer server =
        EmbeddedPostgresServer.builder().dataDir(dataDir).port(port).build()) {
      server.start();
      assertThat(server.port()).isEqualTo(port);
      try (Connection c = connect(server);
          Statement s = c.createStatement()) {
        assertThat(queryString(s, "SELECT current_setting('port')"))
            .isEqualTo(String.valueOf(port));
      }
    }
  }

  @Test
  void stopsAPostmasterOrphanedByAKilledJvmAndKeepsItsData() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp",
                System.getProperty("java.class.path"),
                OrphaningPostgresMain.class.getName(),
                dataDir.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      boolean ready = false;
      while (!ready && (line = out.readLine()) != null) {
        ready = line.startsWith(OrphaningPostgresMain.READY);
      }
      assertThat(ready).as("child JVM started PostgreSQL").isTrue();
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, the postmaster is orphaned
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(PostgresProcesses.running()).as("orphaned postmaster").isNotEmpty();

    try (EmbeddedPostgresServer server =
        EmbeddedPostgresServer.builder().dataDir(dataDir).build()) {
      server.start();
      try (Connection c = connect(server);
          Statement s = c.createStatement()) {
        assertThat(queryString(s, "SELECT note FROM orphan")).isEqualTo("written before SIGKILL");
      }
    }
  }

  @Test
  void failedStartStopsWhatItLaunched() {
    EmbeddedPostgresServer broken =
        EmbeddedPostgresServer.builder()
            .dataDir(dataDir)
            .serverConfig("shared_buffers", "not-a-size")
            .startupTimeout(Duration.ofSeconds(3))
            .build();
    assertThatThrownBy(broken::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed to start");
    broken.close();

    // Giving up while PostgreSQL is still starting: what was launched is stopped.
    EmbeddedPostgresServer impatient =
        EmbeddedPostgresServer.builder()
            .dataDir(dataDir)
            .startupTimeout(Duration.ofMillis(1))
            .build();
    assertThatThrownBy(impatient::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed to start");
    assertThat(PostgresProcesses.running()).isEmpty();

    // The directory is free again (the initdb'd cluster is kept).
    try (EmbeddedPostgresServer server =
        EmbeddedPostgresServer.builder().dataDir(dataDir).build()) {
      server.start();
    }
  }

  @Test
  void asksEveryClientForTheSuperusersPasswordKeptBesideTheCluster() throws Exception {
    String password;
    try (EmbeddedPostgresServer server =
        EmbeddedPostgresServer.builder().dataDir(dataDir).build()) {
      server.start();
      password = server.password();
      assertThat(password).hasSize(32).isNotEqualTo("postgres");
      assertRefusesWrongPasswords(server);
      try (Connection c = connect(server)) {
        assertThat(c.isValid(5)).isTrue();
      }
    }
    Path file = dataDir.resolve(SuperuserPassword.FILE_NAME);
    assertThat(Files.readString(file).strip()).isEqualTo(password);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (EmbeddedPostgresServer restarted =
        EmbeddedPostgresServer.builder().dataDir(dataDir).build()) {
      restarted.start();
      assertThat(restarted.password()).isEqualTo(password);
      assertRefusesWrongPasswords(restarted);
    }
  }

  @Test
  void aClusterThatTrustedEveryClientAsksForThePasswordFromItsNextStart() throws Exception {
    // A cluster as earlier versions made it: zonky's initdb with "-A trust".
    EmbeddedPostgres.builder()
        .setDataDirectory(dataDir.resolve(EmbeddedPostgresServer.PGDATA_DIR_NAME))
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPort(LocalPorts.freePort())
        .start()
        .close();
    try (EmbeddedPostgresServer server =
        EmbeddedPostgresServer.builder().dataDir(dataDir).build()) {
      server.start();
      assertRefusesWrongPasswords(server);
      try (Connection c = connect(server);
          Statement s = c.createStatement()) {
        assertThat(
                queryString(
                    s, "SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'trust'"))
            .isEqualTo("0");
      }
    }
  }

  private static void assertRefusesWrongPasswords(EmbeddedPostgresServer server) {
    assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), "postgres", "postgres"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
    assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), "postgres", ""))
        .isInstanceOf(SQLException.class);
  }

  @Test
  void closeWithoutStartIsANoOp() {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.builder().dataDir(dataDir).build();
    server.close();
    server.close();
    assertThatThrownBy(server::jdbcUrl).isInstanceOf(IllegalStateException.class);
  }

  static Connection connect(EmbeddedPostgresServer server) throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
  }

  private static String queryString(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
      assertThat(rows).hasSize(1);
      return rows.get(0);
    }
  }
}

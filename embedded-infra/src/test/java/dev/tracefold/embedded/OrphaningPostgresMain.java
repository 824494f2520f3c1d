package dev.tracefold.embedded;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Child-JVM helper for {@link EmbeddedPostgresServerIT}: starts PostgreSQL on {@code args[0]},
 * writes a row, prints {@link #READY} and waits to be killed (so its postmaster is orphaned).
 */
public final class OrphaningPostgresMain {
  static final String READY = "ORPHANING-POSTGRES-READY";

  private OrphaningPostgresMain() {}

  public static void main(String[] args) throws Exception {
    EmbeddedPostgresServer server =
        EmbeddedPostgresServer.builder().dataDir(Path.of(args[0])).build();
    server.start();
    try (Connection c =
            DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orphan (note text)");
      s.execute("INSERT INTO orphan VALUES ('written before SIGKILL')");
    }
    System.out.println(READY + " " + server.port());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}

package dev.tracefold.store;

import dev.tracefold.embedded.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * A new database beside a test's own, migrated only up to an older schema version and given bare
 * trace rows, so that a test can open a {@link TraceStore} on it and see what the later migrations
 * make of them.
 */
final class OlderSchema {
  private OlderSchema() {}

  /**
   * Creates database {@code name} on the server of {@code server} (whose URL names {@link
   * EmbeddedPostgresServer#DATABASE}) and migrates it to schema {@code version}.
   *
   * @return settings for the new database (pool of 2)
   */
  static StoreSettings create(StoreSettings server, String name, String version)
      throws SQLException {
    try (Connection admin =
            DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    String url = server.jdbcUrl().replace("/" + EmbeddedPostgresServer.DATABASE, "/" + name);
    Flyway.configure()
        .dataSource(url, server.username(), server.password())
        .locations("classpath:db/migration")
        .target(version)
        .load()
        .migrate();
    return new StoreSettings(url, server.username(), server.password(), 2);
  }

  /**
   * Inserts one trace row of one OK span, every count 0, in {@code state}, with the columns of
   * schema version 1 (which every later version keeps).
   */
  static void insertTrace(StoreSettings database, String projectId, String traceId, String state)
      throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(
                database.jdbcUrl(), database.username(), database.password());
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO traces (project_id, trace_id, status, start_epoch_nanos,"
                    + " end_epoch_nanos, duration_nanos, span_count, error_count, input_tokens,"
                    + " output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,"
                    + " total_tokens, cost_is_estimated, models, providers, service_names, tags,"
                    + " metadata, state) VALUES (?, ?, 'OK', 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,"
                    + " false, '{}', '{}', '{}', '{}', '{}', ?)")) {
      insert.setString(1, projectId);
      insert.setString(2, traceId);
      insert.setString(3, state);
      insert.executeUpdate();
    }
  }
}

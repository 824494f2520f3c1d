package dev.tracefold.bench;

import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import java.nio.file.Path;

/**
 * An {@link EmbeddedPostgresServer} (zonky's defaults: fsync and synchronous_commit off) on a fresh
 * data directory and an ephemeral port, and a {@link TraceStore} on it with the real schema (the
 * store's migrations run on open). {@link #close()} closes the store, then stops PostgreSQL; the
 * caller deletes the directory. Not thread-safe; the store is.
 */
final class BenchPostgres implements AutoCloseable {
  private final EmbeddedPostgresServer server;
  private final StoreSettings settings;
  private final TraceStore store;
  private final Path dataDir;

  private BenchPostgres(
      EmbeddedPostgresServer server, StoreSettings settings, TraceStore store, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
    this.settings = settings;
    this.store = store;
  }

  /**
   * Starts PostgreSQL and opens the store.
   *
   * @param dataDir the server's data directory (created)
   * @param poolSize connections of the store's pool
   * @throws RuntimeException if either does not start; what started is stopped again
   */
  static BenchPostgres start(Path dataDir, int poolSize) {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.builder().dataDir(dataDir).build();
    server.start();
    try {
      StoreSettings settings =
          new StoreSettings(server.jdbcUrl(), server.username(), server.password(), poolSize);
      return new BenchPostgres(server, settings, TraceStore.open(settings), dataDir);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  TraceStore store() {
    return store;
  }

  /** The server's processes (its server and backends), for their CPU time. */
  PostgresProcesses processes() {
    return new PostgresProcesses(
        postmasterPidFile(dataDir.resolve(EmbeddedPostgresServer.PGDATA_DIR_NAME)),
        ProcessHandle.current());
  }

  /** The {@code postmaster.pid} of a cluster directory ({@code PGDATA}). */
  static Path postmasterPidFile(Path pgdata) {
    return pgdata.resolve("postmaster.pid");
  }

  /** Connection settings of the server (for connections outside the store's pool). */
  StoreSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    try {
      store.close();
    } finally {
      server.close();
    }
  }
}

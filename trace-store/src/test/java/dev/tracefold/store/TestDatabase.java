package dev.tracefold.store;

import dev.tracefold.embedded.EmbeddedPostgresServer;
import java.nio.file.Path;

/** An embedded PostgreSQL with a migrated {@link TraceStore} on it, for integration tests. */
final class TestDatabase implements AutoCloseable {
  private final EmbeddedPostgresServer postgres;
  private final StoreSettings settings;
  private final TraceStore store;

  private TestDatabase(EmbeddedPostgresServer postgres, StoreSettings settings, TraceStore store) {
    this.postgres = postgres;
    this.settings = settings;
    this.store = store;
  }

  /** Starts PostgreSQL with its data under {@code dataDir} and opens a store (pool of 4). */
  static TestDatabase start(Path dataDir) {
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.builder().dataDir(dataDir).build();
    postgres.start();
    StoreSettings settings =
        new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 4);
    return new TestDatabase(postgres, settings, TraceStore.open(settings));
  }

  TraceStore store() {
    return store;
  }

  StoreSettings settings() {
    return settings;
  }

  /** Closes the store, then stops PostgreSQL. */
  @Override
  public void close() {
    store.close();
    postgres.close();
  }
}

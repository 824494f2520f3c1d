package dev.tracefold.store;

import dev.tracefold.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded PostgreSQL with a migrated {@link TraceStore} on it (pool of 4), for the integration
 * tests of one class: register it as {@code @RegisterExtension static final TestDatabase database =
 * new TestDatabase();}. It starts before the class's {@code @BeforeAll} methods, with its data in a
 * new temporary directory, and stops after its {@code @AfterAll} methods, deleting the directory.
 */
final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
  private Path dataDir;
  private EmbeddedPostgresServer postgres;
  private StoreSettings settings;
  private TraceStore store;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dataDir = Files.createTempDirectory("tracefold-store-test");
    postgres = EmbeddedPostgresServer.builder().dataDir(dataDir).build();
    postgres.start();
    settings = new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 4);
    store = TraceStore.open(settings);
  }

  /** Closes the store, stops PostgreSQL and deletes its data. */
  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (store != null) {
      store.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (dataDir != null) {
      FileUtils.deleteDirectory(dataDir.toFile());
    }
  }

  TraceStore store() {
    return store;
  }

  StoreSettings settings() {
    return settings;
  }
}

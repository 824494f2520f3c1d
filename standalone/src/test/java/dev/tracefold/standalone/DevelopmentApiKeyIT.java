package dev.tracefold.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.key.ApiKeyInfo;
import dev.tracefold.store.key.ApiKeySource;
import dev.tracefold.store.key.ApiKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DevelopmentApiKey} on a real embedded PostgreSQL, one fresh database per test. */
class DevelopmentApiKeyIT {
  @TempDir static Path pgDir;
  @TempDir Path tempDir;

  private static EmbeddedPostgresServer postgres;
  private static int databases;
  private TraceStore store;
  private ApiKeyStore keys;
  private Path dataDir;

  @BeforeAll
  static void startPostgres() {
    postgres = EmbeddedPostgresServer.builder().dataDir(pgDir).build();
    postgres.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void openFreshDatabase() throws Exception {
    String name = "dev_key_" + ++databases;
    try (Connection admin =
            DriverManager.getConnection(
                postgres.jdbcUrl(), postgres.username(), postgres.password());
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    String url = postgres.jdbcUrl().replace("/" + EmbeddedPostgresServer.DATABASE, "/" + name);
    store = TraceStore.open(new StoreSettings(url, postgres.username(), postgres.password(), 2));
    keys = store.apiKeys();
    dataDir = tempDir.resolve("data");
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void firstStartCreatesAKeyOfProjectDefaultInAnOwnerOnlyFileAndLaterStartsReuseIt()
      throws Exception {
    DevelopmentApiKey.Outcome first = DevelopmentApiKey.ensure(keys, dataDir);

    Path file = dataDir.resolve("dev-api-key");
    String key = first.key().orElseThrow();
    assertThat(first.note()).isEqualTo("project default, new development key, saved in " + file);
    assertThat(keys.verify(key)).hasValue("default");
    assertThat(keys.find(key).orElseThrow().source()).isEqualTo(ApiKeySource.DEVELOPMENT);
    assertThat(Files.readString(file)).isEqualTo(key + System.lineSeparator());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");

    DevelopmentApiKey.Outcome second = DevelopmentApiKey.ensure(keys, dataDir);
    assertThat(second.key()).hasValue(key);
    assertThat(second.note()).isEqualTo("project default, from " + file);
    assertThat(keys.list("default")).hasSize(1);
  }

  @Test
  void projectWithItsOwnKeysGetsNoDevelopmentKey() {
    keys.create("default", ApiKeySource.CLI);

    DevelopmentApiKey.Outcome outcome = DevelopmentApiKey.ensure(keys, dataDir);

    assertThat(outcome.key()).isEmpty();
    assertThat(outcome.note())
        .isEqualTo(
            "project default has API keys, none of them in "
                + dataDir.resolve("dev-api-key")
                + "; use yours, or create one with: tracefold keys create --project default");
    assertThat(dataDir.resolve("dev-api-key")).doesNotExist();
    assertThat(keys.list("default")).hasSize(1);
  }

  @Test
  void revokedDevelopmentKeyIsReplacedOnlyWhenTheProjectHasNoOtherKey() {
    String revoked = DevelopmentApiKey.ensure(keys, dataDir).key().orElseThrow();
    ApiKeyInfo info = keys.find(revoked).orElseThrow();
    keys.revoke(info.id());

    String replacement = DevelopmentApiKey.ensure(keys, dataDir).key().orElseThrow();

    assertThat(replacement).isNotEqualTo(revoked);
    assertThat(keys.verify(replacement)).hasValue("default");
    assertThat(DevelopmentApiKey.ensure(keys, dataDir).key()).hasValue(replacement);
  }
}

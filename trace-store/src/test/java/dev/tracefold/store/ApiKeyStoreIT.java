package dev.tracefold.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.store.key.ApiKeyInfo;
import dev.tracefold.store.key.ApiKeySource;
import dev.tracefold.store.key.ApiKeyStore;
import dev.tracefold.store.key.ApiKeys;
import dev.tracefold.store.key.ConfigKeySync;
import dev.tracefold.store.key.CreatedApiKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ApiKeyStore} against a real embedded PostgreSQL migrated by {@link TraceStore}. */
class ApiKeyStoreIT {
  @TempDir static Path dataDir;

  private static EmbeddedPostgresServer postgres;
  private static TraceStore traceStore;
  private static ApiKeyStore keys;

  @BeforeAll
  static void startPostgres() {
    postgres = EmbeddedPostgresServer.builder().dataDir(dataDir).build();
    postgres.start();
    traceStore =
        TraceStore.open(
            new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 4));
    keys = traceStore.apiKeys();
  }

  @AfterAll
  static void stopPostgres() {
    if (traceStore != null) {
      traceStore.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void createdKeyVerifiesToItsProjectAndIsStoredOnlyAsSaltedHash() throws Exception {
    String project = TestTraces.newProject();
    CreatedApiKey created = keys.create(project, ApiKeySource.CLI);

    assertThat(created.key()).matches("tf_[0-9A-Za-z]{32}");
    assertThat(created.toString()).doesNotContain(created.key());
    ApiKeyInfo info = created.info();
    assertThat(info.id()).isPositive();
    assertThat(info.projectId()).isEqualTo(project);
    assertThat(info.prefix()).isEqualTo(created.key().substring(0, 11));
    assertThat(info.source()).isEqualTo(ApiKeySource.CLI);
    assertThat(info.createdAt()).isNotNull();
    assertThat(info.active()).isTrue();
    assertThat(keys.verify(created.key())).hasValue(project);
    assertThat(keys.find(created.key())).hasValue(info);
    assertThat(keys.get(info.id())).hasValue(info);
    assertThat(keys.hasActiveKey(project)).isTrue();

    try (Connection connection = traceStore.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement("SELECT hash, salt, prefix FROM api_keys WHERE id = ?")) {
      statement.setLong(1, info.id());
      try (ResultSet row = statement.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(ApiKeys.matches(created.key(), row.getBytes("salt"), row.getBytes("hash")))
            .isTrue();
        assertThat(row.getBytes("salt")).hasSize(16);
        assertThat(row.getString("prefix")).isEqualTo(info.prefix());
      }
    }
    try (Connection connection = traceStore.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT name, retention_days, quiet_window_millis"
                    + " FROM projects WHERE id = ?")) {
      statement.setString(1, project);
      try (ResultSet row = statement.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString("name")).isEqualTo(project);
        assertThat(row.getInt("retention_days")).isEqualTo(30);
        assertThat(row.getObject("quiet_window_millis")).isNull();
      }
    }
  }

  @Test
  void unknownMalformedAndTamperedKeysDoNotVerify() {
    String project = TestTraces.newProject();
    String key = keys.create(project, ApiKeySource.CLI).key();
    String sameprefix = key.substring(0, 11) + "x".repeat(32);

    assertThat(keys.verify(ApiKeys.generate())).isEmpty();
    assertThat(keys.verify(sameprefix)).isEmpty();
    assertThat(keys.verify(key.substring(0, key.length() - 1))).isEmpty();
    assertThat(keys.verify("short")).isEmpty();
    assertThat(keys.verify(null)).isEmpty();
    assertThat(keys.verify(key + " ")).isEmpty();
  }

  @Test
  void keysOfOneProjectNeverVerifyToAnother() {
    String a = TestTraces.newProject();
    String b = TestTraces.newProject();
    String keyA = keys.create(a, ApiKeySource.CLI).key();
    String keyB = keys.create(b, ApiKeySource.CLI).key();

    assertThat(keys.verify(keyA)).hasValue(a);
    assertThat(keys.verify(keyB)).hasValue(b);
    assertThat(keys.list(a)).extracting(ApiKeyInfo::projectId).containsExactly(a);
  }

  @Test
  void revokedKeyStopsVerifyingAndStaysListed() {
    String project = TestTraces.newProject();
    CreatedApiKey first = keys.create(project, ApiKeySource.CLI);
    CreatedApiKey second = keys.create(project, ApiKeySource.DEVELOPMENT);

    Optional<ApiKeyInfo> revoked = keys.revoke(first.info().id());

    assertThat(revoked).isPresent();
    assertThat(revoked.get().active()).isFalse();
    assertThat(revoked.get().revokedAt()).isAfterOrEqualTo(first.info().createdAt());
    assertThat(keys.verify(first.key())).isEmpty();
    assertThat(keys.verify(second.key())).hasValue(project);
    assertThat(keys.list(project))
        .extracting(ApiKeyInfo::id, ApiKeyInfo::active, ApiKeyInfo::source)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(first.info().id(), false, ApiKeySource.CLI),
            org.assertj.core.groups.Tuple.tuple(
                second.info().id(), true, ApiKeySource.DEVELOPMENT));
    // revoking again changes nothing
    assertThat(keys.revoke(first.info().id())).isEqualTo(revoked);
    assertThat(keys.revoke(Long.MAX_VALUE)).isEmpty();

    keys.revoke(second.info().id());
    assertThat(keys.hasActiveKey(project)).isFalse();
  }

  @Test
  void listWithoutProjectShowsEveryProject() {
    String a = TestTraces.newProject();
    String b = TestTraces.newProject();
    long idA = keys.create(a, ApiKeySource.CLI).info().id();
    long idB = keys.create(b, ApiKeySource.CLI).info().id();

    assertThat(keys.list(null)).extracting(ApiKeyInfo::id).contains(idA, idB);
  }

  @Test
  void invalidProjectIdIsRefusedWithoutWriting() {
    assertThatThrownBy(() -> keys.create("no/slashes", ApiKeySource.CLI))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a project id must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or '-', got"
                + " 'no/slashes'");
    assertThat(keys.list("no/slashes")).isEmpty();
  }

  @Test
  void configKeysAreAddedKeptAndRevokedWhenNoLongerListed() {
    String a = TestTraces.newProject();
    String b = TestTraces.newProject();
    String keyA = "config-key-" + a;
    String keyB = ApiKeys.generate();
    // start from a configuration of only this test's keys
    keys.syncConfigKeys(Map.of());

    Map<String, String> both = new LinkedHashMap<>();
    both.put(keyA, a);
    both.put(keyB, b);
    assertThat(keys.syncConfigKeys(both)).isEqualTo(new ConfigKeySync(2, 0, 0));
    assertThat(keys.verify(keyA)).hasValue(a);
    assertThat(keys.verify(keyB)).hasValue(b);
    assertThat(keys.find(keyA).orElseThrow().source()).isEqualTo(ApiKeySource.CONFIG);

    assertThat(keys.syncConfigKeys(both)).isEqualTo(new ConfigKeySync(0, 2, 0));
    assertThat(keys.list(a)).hasSize(1);

    String cliKey = keys.create(b, ApiKeySource.CLI).key();
    assertThat(keys.syncConfigKeys(Map.of(keyB, b))).isEqualTo(new ConfigKeySync(0, 1, 1));
    assertThat(keys.verify(keyA)).isEmpty();
    assertThat(keys.verify(keyB)).hasValue(b);
    assertThat(keys.verify(cliKey)).as("keys of other sources are left alone").hasValue(b);

    // listed again after removal: stored again as a new row
    assertThat(keys.syncConfigKeys(both)).isEqualTo(new ConfigKeySync(1, 1, 0));
    assertThat(keys.verify(keyA)).hasValue(a);
    assertThat(keys.list(a)).extracting(ApiKeyInfo::active).containsExactly(false, true);
  }

  @Test
  void configKeyOfAnotherProjectIsRefusedAndNothingChanges() {
    String a = TestTraces.newProject();
    String b = TestTraces.newProject();
    CreatedApiKey existing = keys.create(a, ApiKeySource.CLI);
    String fresh = ApiKeys.generate();
    Map<String, String> config = new LinkedHashMap<>();
    config.put(fresh, b);
    config.put(existing.key(), b);

    assertThatThrownBy(() -> keys.syncConfigKeys(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "TRACEFOLD_API_KEYS gives key "
                + existing.info().prefix()
                + "... to project "
                + b
                + ", but it is an active key of project "
                + a
                + " (id "
                + existing.info().id()
                + "); revoke it first (tracefold keys revoke "
                + existing.info().id()
                + ") or use another key");
    assertThat(keys.verify(fresh)).as("the transaction was rolled back").isEmpty();
    assertThat(keys.verify(existing.key())).hasValue(a);
  }

  @Test
  void malformedConfigKeyIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> keys.syncConfigKeys(Map.of("tooshort", "p")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("TRACEFOLD_API_KEYS: an API key must be 16 to 256 characters")
        .hasMessageNotContaining("tooshort");
  }

  @Test
  void migrationTurnsProjectsOfExistingTracesIntoProjects() throws Exception {
    StoreSettings upgraded =
        OlderSchema.create(
            new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 2),
            "upgraded",
            "1");
    OlderSchema.insertTrace(upgraded, "old-project", "t1", "in_progress");
    OlderSchema.insertTrace(upgraded, "old-project", "t2", "in_progress");
    OlderSchema.insertTrace(upgraded, "x", "t3", "in_progress");

    try (TraceStore store = TraceStore.open(upgraded);
        Connection connection = store.dataSource().getConnection();
        PreparedStatement select =
            connection.prepareStatement("SELECT id, name FROM projects ORDER BY id");
        ResultSet rows = select.executeQuery()) {
      List<String> projects = new java.util.ArrayList<>();
      while (rows.next()) {
        projects.add(rows.getString("id") + "=" + rows.getString("name"));
      }
      assertThat(projects).containsExactly("old-project=old-project", "x=x");
    }
  }
}

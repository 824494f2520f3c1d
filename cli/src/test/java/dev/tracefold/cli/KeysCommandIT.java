package dev.tracefold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.key.ApiKeyInfo;
import dev.tracefold.store.key.ApiKeySource;
import dev.tracefold.store.key.ApiKeyStore;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tracefold keys ...} as a user runs it, against a real embedded PostgreSQL named by the
 * {@code tracefold.store.*} settings (system properties here, environment variables for users).
 */
class KeysCommandIT {
  private static final Map<String, String> STORE_PROPERTIES = new java.util.LinkedHashMap<>();

  @TempDir static Path dataDir;

  private static EmbeddedPostgresServer postgres;
  private static TraceStore store;
  private static ApiKeyStore keys;

  @BeforeAll
  static void start() {
    postgres = EmbeddedPostgresServer.builder().dataDir(dataDir).build();
    postgres.start();
    STORE_PROPERTIES.put("tracefold.store.jdbc-url", postgres.jdbcUrl());
    STORE_PROPERTIES.put("tracefold.store.username", postgres.username());
    STORE_PROPERTIES.put("tracefold.store.password", postgres.password());
    STORE_PROPERTIES.forEach(System::setProperty);
    ConfigFactory.invalidateCaches();
    store =
        TraceStore.open(
            new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 2));
    keys = store.apiKeys();
  }

  @AfterAll
  static void stop() {
    STORE_PROPERTIES.keySet().forEach(System::clearProperty);
    ConfigFactory.invalidateCaches();
    if (store != null) {
      store.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(TracefoldCli.class);
    // buffered like the console's writers: what the command does not flush is lost
    cli.setOut(new PrintWriter(new BufferedWriter(out), true));
    cli.setErr(new PrintWriter(new BufferedWriter(err), true));
    int exitCode = cli.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void createPrintsOnlyTheKeyWhichVerifiesToTheProject() {
    Run run = run("keys", "create", "--project", "cli-create");

    assertThat(run.exitCode()).as(run.err()).isZero();
    String key = run.out().strip();
    assertThat(key).matches("tf_[0-9A-Za-z]{32}");
    assertThat(run.out()).isEqualTo(key + System.lineSeparator());
    assertThat(keys.verify(key)).hasValue("cli-create");
    ApiKeyInfo info = keys.find(key).orElseThrow();
    assertThat(info.source()).isEqualTo(ApiKeySource.CLI);
    assertThat(run.err())
        .isEqualTo(
            "Created API key "
                + info.id()
                + " ("
                + key.substring(0, 11)
                + "...) for project cli-create. It is shown only this once: store it now. Send it"
                + " as \"Authorization: Bearer <key>\"."
                + System.lineSeparator());
  }

  @Test
  void listShowsPrefixesNeverKeys() {
    String first = run("keys", "create", "--project", "cli-list").out().strip();
    String second = run("keys", "create", "--project", "cli-list").out().strip();
    run("keys", "create", "--project", "cli-list-other");

    Run run = run("keys", "list", "--project", "cli-list");

    assertThat(run.exitCode()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("ID +PROJECT +PREFIX +SOURCE +CREATED +REVOKED");
    assertThat(lines.get(1))
        .matches("\\d+ +cli-list +" + first.substring(0, 11) + "\\.\\.\\. +cli +\\S+Z +-");
    assertThat(lines.get(2)).contains(second.substring(0, 11) + "...");
    assertThat(run.out()).doesNotContain(first).doesNotContain(second);
    assertThat(run("keys", "list").out()).contains("cli-list-other");
    assertThat(run("keys", "list", "--project", "nobody-here").err())
        .isEqualTo("Project nobody-here has no API keys." + System.lineSeparator());
  }

  @Test
  void revokeStopsTheKeyAndIsIdempotent() {
    String key = run("keys", "create", "--project", "cli-revoke").out().strip();
    ApiKeyInfo info = keys.find(key).orElseThrow();

    Run revoke = run("keys", "revoke", Long.toString(info.id()));

    assertThat(revoke.exitCode()).isZero();
    assertThat(revoke.out())
        .isEqualTo(
            "Revoked API key "
                + info.id()
                + " ("
                + info.prefix()
                + "..., project cli-revoke)."
                + System.lineSeparator());
    assertThat(keys.verify(key)).isEmpty();
    ApiKeyInfo revoked = keys.get(info.id()).orElseThrow();
    Run again = run("keys", "revoke", Long.toString(info.id()));
    assertThat(again.exitCode()).isZero();
    assertThat(again.err())
        .isEqualTo(
            "API key "
                + info.id()
                + " ("
                + info.prefix()
                + "..., project cli-revoke) was already revoked at "
                + revoked.revokedAt()
                + "."
                + System.lineSeparator());
    assertThat(run("keys", "list", "--project", "cli-revoke").out())
        .contains(revoked.revokedAt().toString());
  }

  @Test
  void unknownIdFailsWithExitCode1() {
    Run run = run("keys", "revoke", "999999");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("No API key has id 999999 (see: tracefold keys list)." + System.lineSeparator());
  }

  @Test
  void usageErrorsExitWith2() {
    Run noProject = run("keys", "create");
    Run badProject = run("keys", "create", "--project", "a/b");

    assertThat(noProject.exitCode()).isEqualTo(2);
    assertThat(noProject.err()).startsWith("Missing required option: '--project=NAME'");
    assertThat(badProject.exitCode()).isEqualTo(2);
    assertThat(badProject.err())
        .startsWith(
            "--project: a project id must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or"
                + " '-', got 'a/b'");
    assertThat(keys.list("a/b")).isEmpty();
  }

  @Test
  void unreachableDatabaseFailsWithExitCode1AndSaysWhatToCheck() {
    System.setProperty("tracefold.store.jdbc-url", "jdbc:postgresql://localhost:1/nowhere");
    ConfigFactory.invalidateCaches();
    try {
      Run run = run("keys", "list");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err())
          .startsWith(
              "tracefold keys: Cannot connect to PostgreSQL at"
                  + " jdbc:postgresql://localhost:1/nowhere")
          .contains("TRACEFOLD_STORE_JDBC_URL");
    } finally {
      System.setProperty("tracefold.store.jdbc-url", postgres.jdbcUrl());
      ConfigFactory.invalidateCaches();
    }
  }
}

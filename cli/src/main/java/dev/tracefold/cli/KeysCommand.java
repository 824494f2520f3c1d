package dev.tracefold.cli;

import com.typesafe.config.ConfigFactory;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.key.ApiKeyInfo;
import dev.tracefold.store.key.ApiKeySource;
import dev.tracefold.store.key.ApiKeyStore;
import dev.tracefold.store.key.CreatedApiKey;
import dev.tracefold.store.key.ProjectIds;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tracefold keys create|list|revoke}: manages API keys directly in PostgreSQL, through
 * trace-store's {@link ApiKeyStore} (migrating the schema first if needed). The database is the one
 * of {@code tracefold.store.*}: environment variables {@code TRACEFOLD_STORE_JDBC_URL}, {@code
 * TRACEFOLD_STORE_USERNAME} and {@code TRACEFOLD_STORE_PASSWORD}. Results go to standard output
 * ({@code create} prints only the key there, so {@code KEY=$(tracefold keys create --project p)}
 * works); notes and errors go to standard error. Exit codes: 0 done, 1 failed (database
 * unreachable, unknown key id), 2 usage error.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = {
      "Create, list and revoke API keys.",
      "Uses the PostgreSQL of TRACEFOLD_STORE_JDBC_URL, TRACEFOLD_STORE_USERNAME and"
          + " TRACEFOLD_STORE_PASSWORD (the standalone pipeline's embedded one is"
          + " jdbc:postgresql://localhost:5433/postgres, user postgres)."
    },
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {
  private KeysCommand() {}

  /** {@code keys create --project NAME}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create an API key for a project (created if new) and print it.",
        "The key is shown only this once; only its salted hash is stored."
      })
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--project",
        required = true,
        paramLabel = "NAME",
        description = "The project the key belongs to: 1-64 characters of A-Z a-z 0-9 _ . -")
    String project;

    @Override
    public Integer call() {
      try {
        ProjectIds.check(project);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--project: " + e.getMessage());
      }
      return withKeys(
          spec,
          keys -> {
            CreatedApiKey created = keys.create(project, ApiKeySource.CLI);
            out(spec).println(created.key());
            err(spec)
                .println(
                    "Created API key "
                        + created.info().id()
                        + " ("
                        + created.info().prefix()
                        + "...) for project "
                        + project
                        + ". It is shown only this once: store it now. Send it as"
                        + " \"Authorization: Bearer <key>\".");
            return 0;
          });
    }
  }

  /** {@code keys list [--project NAME]}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List API keys (never the keys themselves: their prefixes), oldest first.")
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--project",
        paramLabel = "NAME",
        description = "Only this project's keys (default: every project's)")
    String project;

    @Override
    public Integer call() {
      return withKeys(
          spec,
          keys -> {
            List<ApiKeyInfo> infos = keys.list(project);
            if (infos.isEmpty()) {
              err(spec)
                  .println(
                      project == null
                          ? "No API keys yet."
                          : "Project " + project + " has no API keys.");
              return 0;
            }
            out(spec).print(table(infos));
            return 0;
          });
    }
  }

  /** {@code keys revoke ID}. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Revoke an API key by id (see: tracefold keys list).",
        "Gateways stop accepting it within their key cache time (5 s by default)."
      })
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The key's id")
    long id;

    @Override
    public Integer call() {
      return withKeys(
          spec,
          keys -> {
            Optional<ApiKeyInfo> before = keys.get(id);
            if (before.isEmpty()) {
              err(spec).println("No API key has id " + id + " (see: tracefold keys list).");
              return 1;
            }
            if (!before.get().active()) {
              err(spec)
                  .println(
                      "API key "
                          + id
                          + " ("
                          + before.get().prefix()
                          + "..., project "
                          + before.get().projectId()
                          + ") was already revoked at "
                          + before.get().revokedAt()
                          + ".");
              return 0;
            }
            ApiKeyInfo revoked = keys.revoke(id).orElseThrow();
            out(spec)
                .println(
                    "Revoked API key "
                        + id
                        + " ("
                        + revoked.prefix()
                        + "..., project "
                        + revoked.projectId()
                        + ").");
            return 0;
          });
    }
  }

  /** The rows of {@code keys list}, with a header, columns padded to their widest cell. */
  static String table(List<ApiKeyInfo> infos) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "PROJECT", "PREFIX", "SOURCE", "CREATED", "REVOKED"});
    for (ApiKeyInfo info : infos) {
      rows.add(
          new String[] {
            Long.toString(info.id()),
            info.projectId(),
            info.prefix() + "...",
            info.source().label(),
            info.createdAt().toString(),
            info.active() ? "-" : info.revokedAt().toString()
          });
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        text.append(row[i]);
        if (i < row.length - 1) {
          text.append(" ".repeat(widths[i] + 2 - row[i].length()));
        }
      }
      text.append(System.lineSeparator());
    }
    return text.toString();
  }

  /**
   * Opens the store of {@code tracefold.store.*} with a small pool (Flyway's migration needs two
   * connections), runs {@code work}, closes it.
   */
  private static int withKeys(CommandSpec spec, Function<ApiKeyStore, Integer> work) {
    StoreSettings configured = StoreSettings.from(ConfigFactory.load());
    StoreSettings settings =
        new StoreSettings(configured.jdbcUrl(), configured.username(), configured.password(), 2);
    try (TraceStore store = TraceStore.open(settings)) {
      return work.apply(store.apiKeys());
    } catch (RuntimeException e) {
      err(spec).println("tracefold keys: " + e.getMessage());
      return 1;
    } finally {
      // picocli's writers flush only on println; the JVM exits right after
      out(spec).flush();
      err(spec).flush();
    }
  }

  private static PrintWriter out(CommandSpec spec) {
    return spec.commandLine().getOut();
  }

  private static PrintWriter err(CommandSpec spec) {
    return spec.commandLine().getErr();
  }
}

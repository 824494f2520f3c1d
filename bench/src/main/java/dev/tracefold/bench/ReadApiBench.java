package dev.tracefold.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.tracefold.api.TraceApi;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.key.ApiKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The read API benchmark: one command, a Markdown report on standard output (logs go to standard
 * error).
 *
 * <p>Loads {@code --traces} traces of one project into an embedded PostgreSQL through the real
 * schema ({@link TraceTableLoader}), serves the read API over it as trace-api does ({@link
 * ReadApiServer}, API key check on), then measures each {@link ReadQuery} in turn over HTTP with
 * the key: {@code --clients} closed-loop clients for {@code --warmup}, then for the measured {@code
 * --duration} (stretched for slow queries until it holds {@value #MIN_REQUESTS} requests, at most
 * {@value #MAX_WINDOW_FACTOR} times as long). See {@link ReadApiBenchOptions#usage()} for the
 * settings and bench/README.md for the command.
 *
 * <p>Exit status: 0 when every query was measured, 1 when the run failed, 2 for bad arguments.
 */
public final class ReadApiBench {
  /** The project of every loaded trace and of the API key. */
  static final String PROJECT = "bench";

  /** Search terms, rotated: two common phrases (~25% of traces each), one mid, one rare. */
  static final List<String> SEARCH_TERMS =
      List.of("overdue", "runbook", "rotate the API key", "ticket #4242");

  /** Requests a query's window should hold: a slower query's window is stretched until it does. */
  static final int MIN_REQUESTS = 10;

  /** The longest a window is stretched to, in multiples of {@code --duration}. */
  static final int MAX_WINDOW_FACTOR = 12;

  private static final ClosedLoop.Window NO_HOOKS =
      new ClosedLoop.Window() {
        @Override
        public void started() {}

        @Override
        public void ended() {}
      };

  private ReadApiBench() {}

  public static void main(String[] args) {
    BenchMain.run(
        args,
        ReadApiBenchOptions::parse,
        ReadApiBenchOptions::usage,
        options -> run(options).markdown());
  }

  /**
   * Loads the traces, starts the read API and measures every query, on a fresh PostgreSQL under the
   * work directory (deleted afterwards).
   *
   * @throws IllegalStateException if loading fails or a query's first request is not answered 200
   */
  static ReadApiBenchReport run(ReadApiBenchOptions options) {
    Instant started = Instant.now();
    double loadAtStart = ReportSections.loadAverage();
    Path dir = workDir(options);
    int poolSize = StoreSettings.from(ConfigFactory.load()).maximumPoolSize();
    try (BenchPostgres postgres = BenchPostgres.start(dir.resolve("pg"), poolSize)) {
      TraceTableLoader.Loaded loaded =
          TraceTableLoader.load(postgres, PROJECT, options.traces(), options.detailTraces());
      String settings = serverSettings(postgres);
      String apiKey = ApiKeys.generate();
      try (TraceApi server = ReadApiServer.start(postgres.store(), apiKey, PROJECT)) {
        ReadApiClient client = new ReadApiClient(server.port(), apiKey);
        List<ReadApiBenchReport.QueryResult> results = new ArrayList<>();
        for (ReadQuery query : queries(loaded, client)) {
          String rows = rows(client.json(query.path().apply(0)));
          ClosedLoop.Result result =
              ClosedLoop.run(
                  query.name(),
                  options.clients(),
                  options.warmup(),
                  options.duration(),
                  MIN_REQUESTS,
                  options.duration().multipliedBy(MAX_WINDOW_FACTOR),
                  client.requests(query, options.clients()),
                  NO_HOOKS);
          results.add(new ReadApiBenchReport.QueryResult(query, rows, result));
        }
        return new ReadApiBenchReport(
            options,
            started,
            Instant.now(),
            loadAtStart,
            ReportSections.loadAverage(),
            loaded,
            poolSize,
            settings,
            results);
      }
    } finally {
      ScenarioRunner.deleteRecursively(dir);
    }
  }

  /** The measured queries, in report order. */
  static List<ReadQuery> queries(TraceTableLoader.Loaded loaded, ReadApiClient client) {
    String cursor = client.json(ReadQuery.list("")).path("next_cursor").asText("");
    if (cursor.isEmpty()) {
      throw new IllegalStateException(
          "The first page has no next_cursor: load more than 50 traces");
    }
    long[] cost = loaded.costBand();
    return List.of(
        ReadQuery.fixed("default list (newest first)", ReadQuery.list("")),
        ReadQuery.fixed("filter: status=ERROR", ReadQuery.list("status=ERROR")),
        ReadQuery.fixed("filter: state=in_progress", ReadQuery.list("state=in_progress")),
        ReadQuery.fixed("filter: state=complete", ReadQuery.list("state=complete")),
        rotating(
            "filter: model",
            "models=<one of " + StoredTraceFactory.MODELS.length + " models>",
            "models",
            Arrays.asList(StoredTraceFactory.MODELS)),
        rotating(
            "filter: tag",
            "tags=<one of " + StoredTraceFactory.FEATURES.length + " feature tags>",
            "tags",
            Arrays.asList(StoredTraceFactory.FEATURES)),
        rotating(
            "filter: session id",
            "session_id=<one of " + loaded.sessionIds().size() + " sessions>",
            "session_id",
            loaded.sessionIds()),
        ReadQuery.fixed(
            "filter: cost range (~10% of traces)",
            ReadQuery.list("min_cost_microcents=" + cost[0] + "&max_cost_microcents=" + cost[1])),
        ReadQuery.fixed("filter: time_range=24h", ReadQuery.list("time_range=24h")),
        rotating(
            "search (4 terms, rare to ~25% of traces)",
            "search=<overdue, runbook, rotate the API key" + " or ticket #4242>",
            "search",
            SEARCH_TERMS),
        ReadQuery.fixed("sort: cost desc", ReadQuery.list("sort_by=cost&sort_order=desc")),
        new ReadQuery(
            "keyset paging: page 2 by cursor",
            "GET " + ReadQuery.list("cursor=<next_cursor of page 1>"),
            n -> ReadQuery.list("cursor=" + ReadQuery.encode(cursor))),
        new ReadQuery(
            "one trace with its spans",
            "GET /api/v1/traces/{id} (" + loaded.detailTraceIds().size() + " ids)",
            n -> "/api/v1/traces/" + ReadQuery.cycle(loaded.detailTraceIds(), n)),
        ReadQuery.fixed("sessions list", "/api/v1/sessions?page_size=50"),
        ReadQuery.fixed(
            "sessions list, time_range=24h", "/api/v1/sessions?page_size=50&time_range=24h"));
  }

  private static ReadQuery rotating(
      String name, String shown, String parameter, List<String> values) {
    return new ReadQuery(
        name,
        "GET " + ReadQuery.list(shown),
        n -> ReadQuery.list(parameter + "=" + ReadQuery.encode(ReadQuery.cycle(values, n))));
  }

  /** What the first answer held: page size and matches, sessions, or spans. */
  private static String rows(JsonNode answer) {
    if (answer.has("total_count")) {
      return String.format(
          Locale.ROOT,
          "%d of %,d%s",
          answer.path("count").asInt(),
          answer.path("total_count").asInt(),
          answer.path("total_count_capped").asBoolean() ? "+" : "");
    }
    if (answer.has("sessions")) {
      return answer.path("count").asInt()
          + " sessions"
          + (answer.path("has_more").asBoolean() ? ", more" : "");
    }
    return answer.path("span_count").asInt() + " spans";
  }

  /** shared_buffers and work_mem of the server, as the report shows them. */
  private static String serverSettings(BenchPostgres postgres) {
    StoreSettings s = postgres.settings();
    try (Connection connection =
            DriverManager.getConnection(s.jdbcUrl(), s.username(), s.password());
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT current_setting('server_version'),"
                    + " current_setting('shared_buffers'), current_setting('work_mem'),"
                    + " current_setting('effective_cache_size')")) {
      rows.next();
      return "PostgreSQL "
          + rows.getString(1)
          + ", shared_buffers "
          + rows.getString(2)
          + ", work_mem "
          + rows.getString(3)
          + ", effective_cache_size "
          + rows.getString(4);
    } catch (SQLException e) {
      return "PostgreSQL settings unknown (" + e.getMessage() + ")";
    }
  }

  private static Path workDir(ReadApiBenchOptions options) {
    try {
      Files.createDirectories(options.workDir());
      return Files.createTempDirectory(options.workDir(), "read-api-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory under " + options.workDir(), e);
    }
  }
}

package dev.tracefold.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one {@link ReadApiBench} run and their Markdown rendering. Immutable.
 *
 * @param options the run's options
 * @param startedAt when the run started
 * @param finishedAt when it finished
 * @param loadAverageAtStart 1-minute system load average at the start (-1 if unknown)
 * @param loadAverageAtEnd the same at the end
 * @param loaded what was loaded and how long it took
 * @param poolSize connections of the store's pool (the configured default)
 * @param serverSettings PostgreSQL's version and memory settings, as text
 * @param queries one per query, in run order
 */
record ReadApiBenchReport(
    ReadApiBenchOptions options,
    Instant startedAt,
    Instant finishedAt,
    double loadAverageAtStart,
    double loadAverageAtEnd,
    TraceTableLoader.Loaded loaded,
    int poolSize,
    String serverSettings,
    List<QueryResult> queries) {

  /** The target: p95 latency of every query at 1M traces, ms. */
  static final double TARGET_P95_MILLIS = 100;

  ReadApiBenchReport {
    queries = List.copyOf(queries);
  }

  /**
   * One query's figures.
   *
   * @param query the query
   * @param rows what its first answer held (page and matches, sessions or spans)
   * @param result its measured window
   */
  record QueryResult(ReadQuery query, String rows, ClosedLoop.Result result) {}

  /** The whole report as Markdown. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Tracefold read API benchmark\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Run %s, %s mode, %s in total. %,d traces of one project in an embedded"
                + " PostgreSQL (real schema), the read API served as the gateway serves it (API key check on), each query"
                + " measured over HTTP by %d closed-loop clients for %s after a %s warm-up.%n%n",
            startedAt.truncatedTo(ChronoUnit.SECONDS),
            options.quick() ? "quick (smoke)" : "full",
            ReportSections.human(Duration.between(startedAt, finishedAt)),
            loaded.traces(),
            options.clients(),
            ScenarioRunner.text(options.duration()),
            ScenarioRunner.text(options.warmup())));
    md.append(
        "| query | request | first answer | requests (window s) | requests/s | p50 ms | p95 ms | p99 ms"
            + " | max ms | not 200 |\n");
    md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (QueryResult q : queries) {
      ClosedLoop.Result r = q.result();
      double[] ms = r.latencyMillis();
      String latency =
          r.requests() == 0
              ? "n/a | n/a | n/a | n/a"
              : String.format(Locale.ROOT, "%.1f | %.1f | %.1f | %.1f", ms[0], ms[1], ms[2], ms[3]);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | `%s` | %s | %,d (%.1f) | %,.1f | %s | %d |%n",
              q.query().name(),
              q.query().shown().replace("|", "\\|"),
              q.rows(),
              r.requests(),
              r.windowNanos() / 1e9,
              r.requestsPerSecond(),
              latency,
              r.requests() - r.ok()));
    }
    List<String> over =
        queries.stream()
            .filter(
                q ->
                    q.result().requests() == 0
                        || q.result().latencyMillis()[1] >= TARGET_P95_MILLIS)
            .map(q -> q.query().name())
            .toList();
    md.append(
        String.format(
            Locale.ROOT,
            "%n**Target (issue #5): p95 < %.0f ms per query at 1M traces.** In this run"
                + " (%,d traces): %s%n%n",
            TARGET_P95_MILLIS,
            loaded.traces(),
            over.isEmpty()
                ? "every query below it."
                : "above it: " + String.join(", ", over) + "."));
    md.append("## Notes\n\n").append(notes()).append('\n');
    md.append("## Machine\n\n")
        .append(ReportSections.machine(loadAverageAtStart, loadAverageAtEnd))
        .append('\n');
    md.append(ReportSections.reproduce(ReadApiBench.class, options.args(), options.effective()));
    return md.toString();
  }

  private String notes() {
    long[] cost = loaded.costBand();
    return String.join(
        "\n",
        String.format(
            Locale.ROOT,
            "- Data: %,d traces over the last %d days (start times uniform), %d%% with status"
                + " ERROR, %d models (skewed), %d feature tags plus env and beta tags, 90%% in one of traces/4"
                + " sessions, 20,000 users, 1-9 child spans each (`StoredTraceFactory`); rollups computed by"
                + " `TraceRollups.compute`. All in one project: every query runs over all of them.",
            loaded.traces(),
            StoredTraceFactory.DAYS,
            StoredTraceFactory.ERROR_PERCENT,
            StoredTraceFactory.MODELS.length,
            StoredTraceFactory.FEATURES.length),
        String.format(
            Locale.ROOT,
            "- Load: %,d traces (the single-trace query's ids) through"
                + " `TraceStore#writeCompleted` with their spans in %.1f s; the other %,d as `traces` rows by `COPY`"
                + " in %.1f s (generation included; no spans stored for them), secondary indexes dropped before and"
                + " re-created from their own definitions after (%d indexes, %.1f s with `ANALYZE`). Rows read back"
                + " through `TraceStore#findTrace` were checked equal to the generated rollups. Table with indexes:"
                + " %,d MB.",
            loaded.detailTraceIds().size(),
            loaded.writeCompletedMillis() / 1000.0,
            loaded.traces() - loaded.detailTraceIds().size(),
            loaded.copyMillis() / 1000.0,
            loaded.indexes(),
            loaded.indexMillis() / 1000.0,
            loaded.tableBytes() / (1024 * 1024)),
        "- Every list query asks `page_size=50`; the count of matching traces stops at 1,000 (`+`). Cost range: "
            + cost[0]
            + "-"
            + cost[1]
            + " microcents (45th to 55th percentile of the costs). Rotating values change"
            + " with every request, so PostgreSQL's cache sees varied keys.",
        String.format(
            Locale.ROOT,
            "- Latency: client-side, send to last byte, over HTTP/1.1 on localhost with"
                + " `Authorization: Bearer <key>` (verified keys are cached 5 s, as in the gateway), of the requests"
                + " completed in the window. Requests/s: 200 answers per second of the window with %d concurrent"
                + " clients. A window lasts %s, stretched for slow queries until it holds %d requests (at most %d times"
                + " as long); with few requests, p99 is the slowest of them.",
            options.clients(),
            ScenarioRunner.text(options.duration()),
            ReadApiBench.MIN_REQUESTS,
            ReadApiBench.MAX_WINDOW_FACTOR),
        "- Server: "
            + serverSettings
            + " (zonky's embedded defaults); the store's pool holds "
            + poolSize
            + " connections (the configured default). PostgreSQL runs as a separate process on the same cores as"
            + " this JVM (server and clients).",
        "");
  }
}

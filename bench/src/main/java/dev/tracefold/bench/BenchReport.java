package dev.tracefold.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The figures of a whole run and their Markdown rendering: the results table, the notes of each
 * scenario, the machine facts and the command that reproduces the run. Immutable.
 *
 * @param options the run's options
 * @param startedAt when the run started
 * @param finishedAt when it finished
 * @param loadAverageAtStart 1-minute system load average at the start (-1 if unknown)
 * @param loadAverageAtEnd the same at the end
 * @param results one per scenario, in run order
 */
record BenchReport(
    BenchOptions options,
    Instant startedAt,
    Instant finishedAt,
    double loadAverageAtStart,
    double loadAverageAtEnd,
    List<ScenarioResult> results) {

  BenchReport {
    results = List.copyOf(results);
  }

  /** Whether every scenario produced figures. */
  boolean allOk() {
    return results.stream().allMatch(ScenarioResult::ok);
  }

  /** The result of {@code scenario}, or null if it did not run. */
  ScenarioResult result(Scenario scenario) {
    return results.stream().filter(r -> r.scenario() == scenario).findFirst().orElse(null);
  }

  /** The whole report as Markdown. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Tracefold completion-stream benchmark\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Run %s, %s mode, %s in total; %s, with its own application id and"
                + " state directory.%n%n",
            startedAt.truncatedTo(ChronoUnit.SECONDS),
            options.quick() ? "quick (smoke)" : "full",
            ReportSections.human(Duration.between(startedAt, finishedAt)),
            options.fork()
                ? "every scenario ran in a fresh JVM on its own in-process Kafka broker"
                : "every scenario ran in one JVM on one shared in-process Kafka broker (topics recreated in between;"
                    + " memory figures then include earlier scenarios' leftovers)"));
    md.append(
        "| scenario | topology | spans | traces | duration s | spans/s | traces/s | open traces"
            + " | emit lag p50 / p99 / max ms | visible lag p50 / p99 / max ms | heap MB (Δ) | RSS MB (Δ)"
            + " | traces not emitted |\n");
    md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (ScenarioResult r : results) {
      md.append(row(r)).append('\n');
    }
    md.append("\n").append(legend()).append("\n## Notes per scenario\n\n");
    for (ScenarioResult r : results) {
      md.append("**").append(r.scenario().id).append("**\n");
      if (!r.ok()) {
        md.append("- FAILED: ").append(r.failure()).append('\n');
      }
      r.notes().forEach(note -> md.append("- ").append(note).append('\n'));
      md.append('\n');
    }
    md.append("## Machine\n\n")
        .append(ReportSections.machine(loadAverageAtStart, loadAverageAtEnd))
        .append('\n');
    md.append(ReportSections.reproduce(CompletionBench.class, options.args(), options.effective()));
    return md.toString();
  }

  private static String row(ScenarioResult r) {
    String topology = r.scenario().kind == Scenario.Kind.TRACEFOLD ? "Tracefold" : "baseline";
    if (!r.ok()) {
      return "| "
          + r.scenario().id
          + " | "
          + topology
          + " | FAILED: "
          + r.failure().replace('|', '/')
          + " | | | | | | | | | | |";
    }
    return String.join(
            " | ",
            "| " + r.scenario().id,
            topology,
            count(r.spans()),
            count(r.traces()),
            r.durationMillis() < 0
                ? "n/a"
                : String.format(Locale.ROOT, "%.1f", r.durationMillis() / 1000.0),
            rate(r.spansPerSecond()),
            rate(r.tracesPerSecond()),
            count(r.bufferedTraces()),
            r.emitLag() == null ? "n/a" : r.emitLag().format(),
            r.visibleLag() == null ? "n/a" : r.visibleLag().format(),
            memory(
                r.before() == null ? -1 : r.before().heapUsedBytes(),
                r.after() == null ? -1 : r.after().heapUsedBytes()),
            memory(
                r.before() == null ? -1 : r.before().rssBytes(),
                r.after() == null ? -1 : r.after().rssBytes()),
            count(r.tracesNotEmitted()))
        + " |";
  }

  private String legend() {
    return String.join(
        "\n",
        "- **throughput**: spans pre-loaded on `tracefold.spans`, then the stream started; duration = start until"
            + " the last trace arrived at a `read_committed` consumer (includes the stream's start-up and the last"
            + " quiet window; the broker's internal topics exist beforehand); spans/s = spans / duration.",
        "- **lag**: a paced producer offers a steady load; spans/s = the rate achieved, traces/s = traces emitted"
            + " per second, open traces = started − emitted, both over the measurement window. Lag = emit time −"
            + " (`lastArrivalEpochMillis` + quiet window). *Emit lag* uses the completed record's timestamp (Tracefold"
            + " stamps it with its punctuation time); *visible lag* uses the time the consumer received it (adds the"
            + " exactly-once commit interval, 100 ms, and the fetch). The baseline's can be negative: it closes"
            + " sessions on event time, while its `lastArrivalEpochMillis` is its processing time. Read the"
            + " processing delay in the notes first: when it grows, the stream is not keeping up with the load and"
            + " the lag measures the backlog.",
        "- **memory**: one-span traces buffered under a long quiet window; heap = used after `System.gc()`"
            + " (MemoryMXBean), RSS = `VmRSS`, both for the whole JVM (broker included), Δ = minus the same figure"
            + " just before the stream started. RocksDB state lives off the Java heap.",
        "- **traces not emitted**: traces still missing once the input was fully consumed and "
            + ScenarioRunner.text(options.afterInputWait())
            + " more of wall time had passed.",
        "- The baseline is `BaselineTopology`: `groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace)"
            + ".aggregate(...).suppress(untilWindowCloses(unbounded()))`, with the same gap as Tracefold's quiet"
            + " window; its windows close on stream time.",
        "");
  }

  private static String count(long value) {
    return value < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", value);
  }

  private static String rate(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
  }

  private static String memory(long beforeBytes, long afterBytes) {
    if (afterBytes < 0) {
      return "n/a";
    }
    long after = afterBytes / (1024 * 1024);
    if (beforeBytes < 0) {
      return Long.toString(after);
    }
    long delta = after - beforeBytes / (1024 * 1024);
    return after + " (" + (delta >= 0 ? "+" : "") + delta + ")";
  }
}

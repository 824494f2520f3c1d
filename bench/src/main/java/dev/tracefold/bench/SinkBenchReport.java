package dev.tracefold.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The figures of one {@link SinkBench} run and their Markdown rendering. Immutable.
 *
 * @param options the run's options
 * @param startedAt when the run started
 * @param finishedAt when it finished
 * @param loadAverageAtStart 1-minute system load average at the start (-1 if unknown)
 * @param loadAverageAtEnd the same at the end
 * @param poolSize connections of the store's pool (the configured default)
 * @param completedWriteConcurrency the completed-trace writer's groups stored at once (the sink's
 *     configured default)
 * @param spans the spans phase
 * @param completed the completed-traces phase
 */
record SinkBenchReport(
    SinkBenchOptions options,
    Instant startedAt,
    Instant finishedAt,
    double loadAverageAtStart,
    double loadAverageAtEnd,
    int poolSize,
    int completedWriteConcurrency,
    SinkBench.Phase spans,
    SinkBench.Phase completed) {

  /** The target (#11): spans stored per second. */
  static final double TARGET_SPANS_PER_SECOND = 30_000;

  /** The whole report as Markdown. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Tracefold rollup sink benchmark\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Run %s, %s mode, %s in total. %,d traces of %d spans (%,d spans), %d traces in flight"
                + " at once, pre-loaded on an in-process broker (%d partitions); the real"
                + " RollupSink against an embedded PostgreSQL.%n%n",
            startedAt.truncatedTo(ChronoUnit.SECONDS),
            options.quick() ? "quick (smoke)" : "full",
            ReportSections.human(Duration.between(startedAt, finishedAt)),
            options.traces(),
            options.spansPerTrace(),
            options.spans(),
            options.concurrentTraces(),
            options.partitions()));
    md.append(
        "| phase | stored | from sink start s | per s | from first write s | per s (steady)"
            + " | store writes | mean write ms | max write ms | CPU µs per item: this JVM /"
            + " PostgreSQL |\n");
    md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    row(md, "spans → `spans` + in-progress `traces`", "spans", spans);
    row(md, "completed revisions → `complete` + trigger", "traces", completed);
    md.append(
        String.format(
            Locale.ROOT,
            "%n**Target (issue #11): %,.0f spans/s into PostgreSQL.** This run: %,.0f spans/s from"
                + " the sink's start (%s).%n%n",
            TARGET_SPANS_PER_SECOND,
            spans.perSecond(),
            spans.perSecond() >= TARGET_SPANS_PER_SECOND ? "met" : "not met"));
    md.append("## Notes\n\n").append(notes()).append('\n');
    md.append("## Machine\n\n")
        .append(ReportSections.machine(loadAverageAtStart, loadAverageAtEnd))
        .append('\n');
    md.append(ReportSections.reproduce(SinkBench.class, options.args(), options.effective()));
    return md.toString();
  }

  private static void row(StringBuilder md, String phase, String unit, SinkBench.Phase p) {
    md.append(
        String.format(
            Locale.ROOT,
            "| %s | %,d %s | %.2f | %,.0f | %.2f | %,.0f | %,d | %.1f | %.1f | %.0f / %.0f |%n",
            phase,
            p.items(),
            unit,
            p.fromStart().toNanos() / 1e9,
            p.perSecond(),
            p.firstToLast().toNanos() / 1e9,
            p.perSecondSteady(),
            p.writes(),
            p.meanWriteMillis(),
            p.maxWriteMillis(),
            p.jvmCpuMicrosPerItem(),
            p.postgresCpuMicrosPerItem()));
  }

  private String notes() {
    return String.join(
        "\n",
        "- Spans: `SpanFactory` agent traces (GenAI attributes, tokens, costs, prompt and"
            + " completion texts; 350-450 encoded bytes each), the root sent last; each next span"
            + " belongs to one of the traces in flight, picked at random. Eight projects, one"
            + " evaluation rule of turn every per project (no filter), so every revision fires one"
            + " trigger.",
        "- Spans phase: from `RollupSink.start` (consumer group join included) until the span"
            + " writer's `tracefold.sink.spans.written` counter reached the span count (it counts"
            + " after each database commit); then checked in PostgreSQL: every span in `spans`,"
            + " every trace row `in_progress` with the full `span_count`. Steady: from the first"
            + " commit.",
        "- Completed phase: the sink is stopped, one revision-1 `CompletedTrace` per trace (all its"
            + " spans, rollup by `TraceRollups.compute`) pre-loaded on"
            + " `tracefold.traces.completed`, a sink started again; until"
            + " `tracefold.sink.completed.written` reached the trace count (counted after the Kafka"
            + " transaction of the triggers commits); then checked: every trace `complete`,"
            + " revision 1, one fired trigger each, no span stored twice.",
        "- CPU: user + system time from the sinks' start until the last item, per item stored:"
            + " this JVM's (`ProcessHandle.Info#totalCpuDuration`: the sinks, the in-process broker,"
            + " JIT and GC) and PostgreSQL's (its server, from `postmaster.pid`, and the processes"
            + " under it alive at the end). CPU per item varies less between runs than the rates"
            + " on a shared machine.",
        String.format(
            Locale.ROOT,
            "- %d rollup sink(s) in this JVM, sharing the partitions. Batches: span writer"
                + " `max-poll-records` %d in `span-write-concurrency` %d group(s) by trace (one"
                + " database transaction per group, the groups of a poll at once), completed-trace"
                + " writer `completed-max-poll-records` %d (one Kafka transaction per poll) in"
                + " `completed-write-concurrency` %d group(s) by trace (one database transaction"
                + " per group). Store pool: %d connections. PostgreSQL"
                + " (zonky's embedded defaults: fsync and synchronous_commit off) and the broker"
                + " share the machine's cores with this JVM.",
            options.sinks(),
            options.maxPollRecords(),
            options.spanWriteConcurrency(),
            options.completedMaxPollRecords(),
            completedWriteConcurrency,
            poolSize),
        "");
  }
}

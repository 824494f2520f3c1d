package dev.tracefold.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The figures of one {@link PipelineBench} run and their Markdown rendering. Immutable.
 *
 * @param options the run's options
 * @param startedAt when the run started
 * @param finishedAt when it finished
 * @param loadAverageAtStart 1-minute system load average at the start (-1 if unknown)
 * @param loadAverageAtEnd the same at the end
 * @param startRssBytes the pipeline JVM's RSS before the load
 * @param load what the load sent and got acknowledged
 * @param loadEndMillis when the load ended, ms after the sampler started (about when it started)
 * @param benchCpuNanos CPU time of this JVM (the load generator and the reader) during the load
 * @param completion what the completed topic showed
 * @param storedAllEpochMillis when PostgreSQL held every acknowledged span and final trace; -1
 *     never
 * @param audit PostgreSQL against the acknowledged spans
 * @param samples the sampler's samples, in order
 */
record PipelineBenchReport(
    PipelineBenchOptions options,
    Instant startedAt,
    Instant finishedAt,
    double loadAverageAtStart,
    double loadAverageAtEnd,
    long startRssBytes,
    AgentLoad.Result load,
    long loadEndMillis,
    long benchCpuNanos,
    Completion completion,
    long storedAllEpochMillis,
    StoreAudit.Audit audit,
    List<PipelineSampler.Sample> samples) {

  /** The end-to-end target, spans/s. */
  static final double TARGET_SPANS_PER_SECOND = 20_000;

  /** The target share of the gateway's acknowledged rate. */
  static final double TARGET_RATIO = 0.90;

  private static final int MAX_LAG_ROWS = 60;

  PipelineBenchReport {
    samples = List.copyOf(samples);
  }

  /**
   * The completed topic's view of the run's traces.
   *
   * @param traces traces started
   * @param finalTraces traces whose latest revision carries every acknowledged span
   * @param neverEmitted traces with acknowledged spans and no revision at all
   * @param byRevisions traces by how many revisions were emitted: index 0 = 1, 1 = 2, 2 = 3 or more
   * @param records completed records read (every revision, every trace)
   * @param foreignRecords records not of this run
   * @param lastFinalSeenEpochMillis when the reader received the latest final revision of all
   *     traces
   * @param lastFinalEmitEpochMillis the latest {@code completedEpochMillis} of the final revisions
   * @param emitLag {@code completedEpochMillis} of the final revision − (last ack + quiet window),
   *     ms
   * @param visibleLag its reception by the reader − (last ack + quiet window), ms
   * @param arrivalGap per final trace, the largest gap between two consecutive spans' arrivals at
   *     the gateway, ms
   * @param splitWithoutPause traces emitted more than once whose final revision has no arrival gap
   *     of a quiet window or more (the pipeline split a trace that never paused)
   */
  record Completion(
      int traces,
      int finalTraces,
      int neverEmitted,
      long[] byRevisions,
      long records,
      long foreignRecords,
      long lastFinalSeenEpochMillis,
      long lastFinalEmitEpochMillis,
      LagSummary emitLag,
      LagSummary visibleLag,
      LagSummary arrivalGap,
      long splitWithoutPause) {

    /** Reads the ledger's first {@code traces} traces. */
    static Completion of(
        TraceLedger ledger, int traces, long quietWindowMillis, long records, long foreign) {
      int finals = 0;
      int never = 0;
      long[] byRevisions = new long[3];
      long lastSeen = -1;
      long lastEmit = -1;
      LatencySamples emit = new LatencySamples();
      LatencySamples visible = new LatencySamples();
      LatencySamples gaps = new LatencySamples();
      long splitWithoutPause = 0;
      for (int t = 0; t < traces; t++) {
        int revisions = ledger.revisions(t);
        if (revisions == 0) {
          if (ledger.ackedSpans(t) > 0) {
            never++;
          }
          continue;
        }
        byRevisions[Math.min(3, revisions) - 1]++;
        if (ledger.isFinal(t)) {
          finals++;
          long due = ledger.lastAckMillis(t) + quietWindowMillis;
          lastSeen = Math.max(lastSeen, ledger.latestSeenMillis(t));
          lastEmit = Math.max(lastEmit, ledger.latestEmitMillis(t));
          emit.add(ledger.latestEmitMillis(t) - due);
          visible.add(ledger.latestSeenMillis(t) - due);
          gaps.add(ledger.latestArrivalGapMillis(t));
          if (revisions > 1 && ledger.latestArrivalGapMillis(t) < quietWindowMillis) {
            splitWithoutPause++;
          }
        }
      }
      return new Completion(
          traces,
          finals,
          never,
          byRevisions,
          records,
          foreign,
          lastSeen,
          lastEmit,
          emit.summary(),
          visible.summary(),
          gaps.summary(),
          splitWithoutPause);
    }

    /** Traces emitted more than once. */
    long extraRevisionTraces() {
      return byRevisions[1] + byRevisions[2];
    }
  }

  /** Acknowledged spans per second over the sending period. */
  double ackedSpansPerSecond() {
    return load.ackedSpansPerSecond();
  }

  /**
   * Acknowledged spans / (the last trace final on the completed topic − first send − quiet window),
   * per second; 0 if not every trace became final.
   */
  double endToEndSpansPerSecond() {
    return perSecond(
        completion.finalTraces() == completion.traces()
            ? completion.lastFinalSeenEpochMillis()
            : -1);
  }

  /** The same, up to the moment PostgreSQL held everything. */
  double storedSpansPerSecond() {
    return perSecond(storedAllEpochMillis);
  }

  private double perSecond(long endEpochMillis) {
    if (endEpochMillis <= 0) {
      return 0;
    }
    long millis = endEpochMillis - load.firstSendEpochMillis() - options.quietWindow().toMillis();
    return millis <= 0 ? 0 : load.spansAcked() * 1000.0 / millis;
  }

  /** End to end over acknowledged. */
  double ratio() {
    double acked = ackedSpansPerSecond();
    return acked == 0 ? 0 : endToEndSpansPerSecond() / acked;
  }

  /** The whole report as Markdown. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Tracefold pipeline benchmark: end to end\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Run %s, %s mode, %s in total. The whole standalone pipeline (embedded KRaft broker,"
                + " embedded PostgreSQL, ingest gateway, completion stream, rollup sink) in a child"
                + " JVM, quiet window %s, rate limits off; %,d agents sending %d-span traces, one"
                + " span every %s, over OTLP/HTTP protobuf through %d batching exporters (up to %,d"
                + " spans per request, every %s at least), %s, %s.%n%n",
            startedAt.truncatedTo(ChronoUnit.SECONDS),
            mode(),
            ReportSections.human(Duration.between(startedAt, finishedAt)),
            ScenarioRunner.text(options.quietWindow()),
            options.agents(),
            options.spansPerTrace(),
            ScenarioRunner.text(options.spanGap()),
            options.exporters(),
            options.batchSize(),
            ScenarioRunner.text(options.exportDelay()),
            options.timed()
                ? "for " + ScenarioRunner.text(options.loadTime())
                : String.format(Locale.ROOT, "%,d traces", options.traces()),
            options.spansPerSecond() > 0
                ? String.format(Locale.ROOT, "offering %,d spans/s", options.spansPerSecond())
                : String.format(
                    Locale.ROOT,
                    "as fast as the agents go (%,.0f spans/s offered)",
                    options.offeredSpansPerSecond())));
    md.append(throughput());
    md.append(completeness());
    md.append(lag());
    md.append(resources());
    md.append(lagOverTime());
    if (!options.soak().isZero()) {
      md.append(soak());
    }
    md.append(targets());
    md.append("## Definitions\n\n").append(definitions()).append('\n');
    md.append("## Pipeline JVM settings\n\n`")
        .append(String.join(" ", PipelineProcess.configuration(options)))
        .append("`\n\n");
    md.append("## Machine\n\n")
        .append(ReportSections.machine(loadAverageAtStart, loadAverageAtEnd))
        .append('\n');
    md.append(ReportSections.reproduce(PipelineBench.class, options.args(), options.effective()));
    return md.toString();
  }

  private String mode() {
    return options.quick() ? "quick (smoke)" : options.soak().isZero() ? "full" : "soak";
  }

  private String throughput() {
    long sendMillis = load.lastAckEpochMillis() - load.firstSendEpochMillis();
    StringBuilder md = new StringBuilder("## Throughput\n\n| figure | value |\n|---|--:|\n");
    md.append(
        row(
            "spans acknowledged (gateway 200)",
            String.format(Locale.ROOT, "%,d in %.1f s", load.spansAcked(), sendMillis / 1000.0)));
    md.append(
        row(
            "**acknowledged spans/s** (first send → last acknowledgement)",
            fmt(ackedSpansPerSecond())));
    md.append(
        row(
            "**end-to-end spans/s** (→ last trace final on `tracefold.traces.completed`)",
            completion.finalTraces() == completion.traces()
                ? fmt(endToEndSpansPerSecond())
                : "n/a (traces not final)"));
    md.append(
        row(
            "end-to-end spans/s (→ everything stored in PostgreSQL)",
            storedAllEpochMillis > 0 ? fmt(storedSpansPerSecond()) : "n/a (not all stored)"));
    md.append(
        row(
            "**end to end / acknowledged**",
            completion.finalTraces() == completion.traces()
                ? String.format(Locale.ROOT, "%.0f%%", 100 * ratio())
                : "n/a"));
    md.append(
        row(
            "last trace final, after the last acknowledgement",
            completion.lastFinalSeenEpochMillis() > 0
                ? seconds(completion.lastFinalSeenEpochMillis() - load.lastAckEpochMillis())
                : "n/a"));
    md.append(
        row(
            "everything stored in PostgreSQL, after the last acknowledgement",
            storedAllEpochMillis > 0
                ? seconds(storedAllEpochMillis - load.lastAckEpochMillis())
                : "n/a"));
    md.append(
        row(
            "requests answered 200 / spans per request",
            String.format(Locale.ROOT, "%,d / %.0f", load.requestsOk(), load.spansPerRequest())));
    double[] ms = latencyMillis(load.latencyMicros());
    md.append(
        row(
            "request latency p50 / p99 / max",
            String.format(Locale.ROOT, "%.1f / %.1f / %.1f ms", ms[0], ms[1], ms[2])));
    md.append(
        row(
            "agents: latest span against schedule / time blocked on a full exporter queue",
            String.format(
                Locale.ROOT, "%,d ms / %,d ms", load.maxLatenessMillis(), load.blockedMillis())));
    return md.append('\n').toString();
  }

  private String completeness() {
    StringBuilder md = new StringBuilder("## Traces and spans\n\n| figure | value |\n|---|--:|\n");
    long[] r = completion.byRevisions();
    md.append(row("traces started", String.format(Locale.ROOT, "%,d", completion.traces())));
    md.append(
        row(
            "**traces not final** after the timeout (latest revision lacks acknowledged spans)",
            String.format(
                Locale.ROOT,
                "%,d (%,d never emitted)",
                completion.traces() - completion.finalTraces(),
                completion.neverEmitted())));
    md.append(
        row(
            "**revisions per trace** on the completed topic: 1 / 2 / 3+",
            String.format(Locale.ROOT, "%,d / %,d / %,d", r[0], r[1], r[2])));
    md.append(
        row(
            "of the traces emitted more than once: final revision without an arrival gap ≥ the"
                + " quiet window (split though it never paused)",
            String.format(Locale.ROOT, "%,d", completion.splitWithoutPause())));
    md.append(
        row(
            "largest gap between two spans' arrivals at the gateway, per trace: p50 / p99 / max",
            completion.arrivalGap().format() + " ms"));
    md.append(
        row("`traces.revision` in PostgreSQL (state complete): count by revision", byRevision()));
    md.append(
        row(
            "traces with acknowledged spans not stored as complete",
            String.format(Locale.ROOT, "%,d", audit.incompleteTraces())));
    md.append(
        row(
            "spans stored in `spans` / acknowledged",
            String.format(Locale.ROOT, "%,d / %,d", audit.storedSpans(), load.spansAcked())));
    md.append(
        row(
            "**spans lost** (acknowledged, no row; summed per trace)",
            String.format(
                Locale.ROOT,
                "%,d (in %,d traces)",
                audit.lostSpans(),
                audit.tracesWithLostSpans())));
    md.append(
        row(
            "rows beyond the acknowledged spans",
            String.format(Locale.ROOT, "%,d", audit.extraSpans())));
    md.append(
        row(
            "spans the client gave up on (not acknowledged)",
            String.format(
                Locale.ROOT,
                "%,d%s",
                load.spansFailed(),
                load.firstFailure() == null
                    ? ""
                    : " (first failure: " + load.firstFailure().replace('|', '/') + ")")));
    md.append(
        row(
            "answers 429 / 503 / transport errors (all retried)",
            String.format(
                Locale.ROOT,
                "%,d / %,d / %,d",
                load.retried429(),
                load.retried503(),
                load.retriedTransport())));
    md.append(
        row(
            "completed records read (all revisions) / of other runs",
            String.format(
                Locale.ROOT, "%,d / %,d", completion.records(), completion.foreignRecords())));
    return md.append('\n').toString();
  }

  private String byRevision() {
    if (audit.tracesByRevision().isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    audit
        .tracesByRevision()
        .forEach(
            (revision, count) -> parts.add(String.format(Locale.ROOT, "%d: %,d", revision, count)));
    return String.join(", ", parts);
  }

  private String lag() {
    StringBuilder md =
        new StringBuilder(
            "## Completion lag beyond the quiet window\n\n"
                + "Per final trace: the moment its final revision was emitted (or seen) − (the"
                + " acknowledgement of its last span + the quiet window).\n\n"
                + "| measured at | traces | p50 ms | p99 ms | max ms |\n"
                + "|---|--:|--:|--:|--:|\n");
    md.append(lagRow("emitted (`completedEpochMillis`)", completion.emitLag()));
    md.append(lagRow("seen by a read_committed consumer", completion.visibleLag()));
    return md.append('\n').toString();
  }

  private static String lagRow(String what, LagSummary lag) {
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %,d | %,d | %,d |%n",
        what,
        lag.count(),
        lag.p50Millis(),
        lag.p99Millis(),
        lag.maxMillis());
  }

  private String resources() {
    StringBuilder md =
        new StringBuilder(
            "## Resources\n\n"
                + "| process | RSS before load / peak / end MB | CPU cores busy on average | CPU ms"
                + " per 10k acknowledged spans |\n"
                + "|---|--:|--:|--:|\n");
    if (samples.size() >= 2) {
      PipelineSampler.Sample first = samples.get(0);
      PipelineSampler.Sample last = samples.get(samples.size() - 1);
      double seconds = (last.elapsedMillis() - first.elapsedMillis()) / 1000.0;
      long jvmCpu = last.jvmCpuNanos() - first.jvmCpuNanos();
      long pgCpu = last.postgresCpuNanos() - first.postgresCpuNanos();
      long peakJvm =
          samples.stream().mapToLong(PipelineSampler.Sample::jvmRssBytes).max().orElse(-1);
      long peakPg =
          samples.stream().mapToLong(PipelineSampler.Sample::postgresRssBytes).max().orElse(-1);
      md.append(
          String.format(
              Locale.ROOT,
              "| pipeline JVM (broker, gateway, stream, sink) | %s / %s / %s | %.2f | %,.0f |%n",
              mb(startRssBytes),
              mb(peakJvm),
              mb(last.jvmRssBytes()),
              jvmCpu / 1e9 / seconds,
              per10k(jvmCpu)));
      long jitCpu = Math.max(0, last.jitCpuNanos() - first.jitCpuNanos());
      md.append(
          String.format(
              Locale.ROOT,
              "| of which its JIT compiler threads (C1, C2) | | %.2f | %,.0f |%n",
              jitCpu / 1e9 / seconds,
              per10k(jitCpu)));
      md.append(
          String.format(
              Locale.ROOT,
              "| PostgreSQL (server and backends, RSS summed) | %s / %s / %s"
                  + " | %.2f | %,.0f |%n",
              mb(first.postgresRssBytes()),
              mb(peakPg),
              mb(last.postgresRssBytes()),
              pgCpu / 1e9 / seconds,
              per10k(pgCpu)));
      md.append(
          String.format(
              Locale.ROOT,
              "| load generator (this JVM, during the load only) | n/a | %.2f | %,.0f |%n%n",
              benchCpuNanos / 1e9 / Math.max(0.001, loadEndMillis / 1000.0),
              per10k(benchCpuNanos)));
      md.append(
          String.format(
              Locale.ROOT,
              "Pipeline figures over %.0f s of samples (load and drain).%n%n",
              seconds));
    } else {
      md.append("| (too few samples) | | | |\n\n");
    }
    return md.toString();
  }

  private String lagOverTime() {
    if (samples.isEmpty()) {
      return "";
    }
    TreeSet<String> groups = new TreeSet<>();
    samples.forEach(s -> groups.addAll(s.lagByGroup().keySet()));
    StringBuilder md =
        new StringBuilder(
            "## Over time\n\n"
                + "Consumer lag in records (`tracefold_consumer_lag_records` of the pipeline's"
                + " `/metrics`, refreshed from the broker every 10 s by its lag monitor), pipeline"
                + " JVM RSS and the completion lag (emitted) of the records read in the interval"
                + " before each sample");
    int step = Math.max(1, (samples.size() + MAX_LAG_ROWS - 1) / MAX_LAG_ROWS);
    md.append(step > 1 ? String.format(Locale.ROOT, " (every %d samples).%n%n", step) : ".\n\n");
    md.append("| t s | spans acknowledged |");
    groups.forEach(g -> md.append(' ').append(g).append(" |"));
    md.append(" JVM RSS MB | completion lag p50 / p99 ms |\n|--:|--:|");
    groups.forEach(g -> md.append("--:|"));
    md.append("--:|--:|\n");
    for (int i = 0; i < samples.size(); i += step) {
      PipelineSampler.Sample s = samples.get(i);
      md.append(
          String.format(Locale.ROOT, "| %.0f | %,d |", s.elapsedMillis() / 1000.0, s.spansAcked()));
      for (String g : groups) {
        Long lag = s.lagByGroup().get(g);
        md.append(' ')
            .append(lag == null ? "-" : String.format(Locale.ROOT, "%,d", lag))
            .append(" |");
      }
      md.append(
          String.format(
              Locale.ROOT,
              " %s | %s |%n",
              mb(s.jvmRssBytes()),
              s.completionLag().count() == 0
                  ? "-"
                  : s.completionLag().p50Millis() + " / " + s.completionLag().p99Millis()));
    }
    return md.append('\n').toString();
  }

  /**
   * The verdicts of the soak: per metric, the mean of the first and last thirds of the load's
   * samples.
   */
  List<SoakVerdict> soakVerdicts() {
    List<PipelineSampler.Sample> during =
        samples.stream().filter(s -> s.elapsedMillis() <= loadEndMillis).toList();
    int third = during.size() / 3;
    List<SoakVerdict> verdicts = new ArrayList<>();
    if (third == 0) {
      return verdicts;
    }
    List<PipelineSampler.Sample> first = during.subList(0, third);
    List<PipelineSampler.Sample> last = during.subList(during.size() - third, during.size());
    verdicts.add(
        SoakVerdict.of(
            "consumer lag, records (all groups)", first, last, s -> s.totalLag(), 1.25, 1_000));
    verdicts.add(
        SoakVerdict.of(
            "pipeline JVM RSS, MB", first, last, s -> s.jvmRssBytes() / 1048576.0, 1.10, 64));
    verdicts.add(
        SoakVerdict.of(
            "completion lag p99 of the interval, ms",
            first.stream().filter(s -> s.completionLag().count() > 0).toList(),
            last.stream().filter(s -> s.completionLag().count() > 0).toList(),
            s -> s.completionLag().p99Millis(),
            1.25,
            500));
    return verdicts;
  }

  /**
   * One soak metric: flat when the last third's mean is at most {@code factor} × the first third's
   * (or 0, if negative) plus {@code slack}.
   */
  record SoakVerdict(
      String metric, double firstThird, double lastThird, double factor, double slack) {
    static SoakVerdict of(
        String metric,
        List<PipelineSampler.Sample> first,
        List<PipelineSampler.Sample> last,
        ToDoubleFunction<PipelineSampler.Sample> value,
        double factor,
        double slack) {
      return new SoakVerdict(
          metric,
          first.stream().mapToDouble(value).average().orElse(Double.NaN),
          last.stream().mapToDouble(value).average().orElse(Double.NaN),
          factor,
          slack);
    }

    boolean flat() {
      return !Double.isNaN(firstThird)
          && !Double.isNaN(lastThird)
          && lastThird <= Math.max(0, firstThird) * factor + slack;
    }
  }

  private String soak() {
    StringBuilder md =
        new StringBuilder(
            "## Soak\n\n"
                + "Means of the samples in the first and the last third of the load; flat when last"
                + " ≤ max(0, first) × factor + slack.\n\n"
                + "| metric | first third | last third | rule | flat? |\n"
                + "|---|--:|--:|---|---|\n");
    List<SoakVerdict> verdicts = soakVerdicts();
    for (SoakVerdict v : verdicts) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %,.0f | × %.2f + %,.0f | %s |%n",
              v.metric(),
              v.firstThird(),
              v.lastThird(),
              v.factor(),
              v.slack(),
              v.flat() ? "yes" : "**no**"));
    }
    boolean flat = !verdicts.isEmpty() && verdicts.stream().allMatch(SoakVerdict::flat);
    md.append(
        String.format(
            Locale.ROOT,
            "%n**Soak: %s** (%d samples, every %s).%n%n",
            verdicts.isEmpty() ? "too short to judge" : flat ? "flat" : "not flat",
            samples.size(),
            ScenarioRunner.text(options.sampleInterval())));
    return md.toString();
  }

  private String targets() {
    boolean allFinal = completion.finalTraces() == completion.traces();
    StringBuilder md =
        new StringBuilder(
            "## Against the targets of issue #11\n\n| target | this run | met? |\n"
                + "|---|--:|---|\n");
    md.append(
        target(
            "end to end ≥ 20,000 spans/s",
            allFinal ? fmt(endToEndSpansPerSecond()) : "n/a",
            allFinal && endToEndSpansPerSecond() >= TARGET_SPANS_PER_SECOND));
    md.append(
        target(
            "end to end ≥ 90% of acknowledged",
            allFinal ? String.format(Locale.ROOT, "%.0f%%", 100 * ratio()) : "n/a",
            allFinal && ratio() >= TARGET_RATIO));
    md.append(
        target(
            "0 spans lost",
            String.format(Locale.ROOT, "%,d", audit.lostSpans()),
            audit.lostSpans() == 0));
    md.append(
        target(
            "0 extra revisions",
            String.format(Locale.ROOT, "%,d traces", completion.extraRevisionTraces()),
            completion.extraRevisionTraces() == 0));
    md.append(
        target(
            "every trace final",
            String.format(Locale.ROOT, "%,d of %,d", completion.finalTraces(), completion.traces()),
            allFinal));
    return md.append('\n').toString();
  }

  private static String target(String what, String value, boolean met) {
    return "| " + what + " | " + value + " | " + (met ? "yes" : "**no**") + " |\n";
  }

  private String definitions() {
    return String.join(
        "\n",
        "- **Acknowledged spans/s**: spans of requests answered 200 without rejected spans, divided"
            + " by the time from the first request sent to the last 200 received.",
        "- **End-to-end spans/s**: the same spans divided by (the moment the last trace became"
            + " final − the first send − the quiet window). A trace is *final* when a revision"
            + " carrying every span the gateway acknowledged for it has been received by a"
            + " `read_committed` consumer of `tracefold.traces.completed` (what evaluators see)."
            + " The quiet window is subtracted because no pipeline can finish the last trace"
            + " earlier than one quiet window after its last span; at 100% the pipeline keeps up"
            + " with the gateway. The *stored* variant ends when PostgreSQL holds every trace"
            + " with acknowledged spans as `complete` in `traces` with at least that many spans"
            + " (a complete row's revision covers every stored span, so they are all rows of"
            + " `spans`; polled every 250 ms, each poll reading only the rows not confirmed yet).",
        "- **Completion lag**: per final trace, its final revision's `completedEpochMillis` (or the"
            + " moment the consumer received it) − (the moment the gateway's 200 for its last span"
            + " arrived + the quiet window). The stream's own definition starts at the Kafka"
            + " timestamp of the last span, a few ms earlier than the 200, so this lag is slightly"
            + " smaller than the stream's.",
        "- **Revisions per trace**: completed records per trace on the topic. A trace whose spans"
            + " were never a quiet window apart (here at most one span gap plus the exporter's"
            + " delay) must be emitted once; 2 or 3+ means the pipeline split it.",
        "- **Spans lost**: per trace, acknowledged spans − rows of `spans`, summed (rows beyond are"
            + " reported apart); read after the store caught up or stopped moving.",
        "- RSS: `VmRSS` of `/proc/<pid>/status`; CPU: `ProcessHandle.Info#totalCpuDuration`;"
            + " PostgreSQL is its server (from its `postmaster.pid`) and backends, their RSS"
            + " summed, so shared buffers count once per process that touched them. The JIT"
            + " compiler threads' CPU is read from `/proc/<pid>/task/*` (HotSpot's `C1`/`C2"
            + " CompilerThread*`): in a run of a minute or two it is a large part of the pipeline"
            + " JVM's, compiling the broker, gateway, stream and sink, and falls as the code"
            + " warms up (compare a soak).",
        "- The load generator and the pipeline share this machine's cores: on 2 cores the agents,"
            + " exporters and the reader take CPU the pipeline would otherwise have (see"
            + " Resources).",
        "");
  }

  private static String row(String what, String value) {
    return "| " + what + " | " + value + " |\n";
  }

  private static String fmt(double spansPerSecond) {
    return String.format(Locale.ROOT, "%,.0f", spansPerSecond);
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private static String mb(long bytes) {
    return bytes < 0 ? "n/a" : Long.toString(bytes / (1024 * 1024));
  }

  private double per10k(long nanos) {
    return load.spansAcked() == 0 ? Double.NaN : nanos / 1e6 / (load.spansAcked() / 10_000.0);
  }

  private static double[] latencyMillis(LatencySamples micros) {
    long[] p = micros.percentiles(0.50, 0.99, 1.0);
    return new double[] {p[0] / 1000.0, p[1] / 1000.0, p[2] / 1000.0};
  }

  /** Collects the figures as the run produces them. Not thread-safe. */
  static final class Builder {
    private final PipelineBenchOptions options;
    private final Instant startedAt;
    private final double loadAverageAtStart;
    private long startRssBytes = -1;
    private AgentLoad.Result load;
    private long loadEndMillis;
    private long benchCpuNanos;
    private Completion completion;
    private long storedAllEpochMillis = -1;
    private StoreAudit.Audit audit;
    private List<PipelineSampler.Sample> samples = List.of();

    Builder(PipelineBenchOptions options, Instant startedAt, double loadAverageAtStart) {
      this.options = options;
      this.startedAt = startedAt;
      this.loadAverageAtStart = loadAverageAtStart;
    }

    Builder startRss(long bytes) {
      this.startRssBytes = bytes;
      return this;
    }

    Builder load(AgentLoad.Result result, long endMillis, long cpuNanos) {
      this.load = result;
      this.loadEndMillis = endMillis;
      this.benchCpuNanos = cpuNanos;
      return this;
    }

    Builder completion(Completion value) {
      this.completion = value;
      return this;
    }

    Builder storedAllEpochMillis(long epochMillis) {
      this.storedAllEpochMillis = epochMillis;
      return this;
    }

    Builder audit(StoreAudit.Audit value) {
      this.audit = value;
      return this;
    }

    Builder samples(List<PipelineSampler.Sample> value) {
      this.samples = value;
      return this;
    }

    PipelineBenchReport finish(Instant finishedAt, double loadAverageAtEnd) {
      return new PipelineBenchReport(
          options,
          startedAt,
          finishedAt,
          loadAverageAtStart,
          loadAverageAtEnd,
          startRssBytes,
          load,
          loadEndMillis,
          benchCpuNanos,
          completion,
          storedAllEpochMillis,
          audit,
          samples);
    }
  }
}

package dev.tracefold.bench;

import dev.tracefold.service.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Settings of one {@link CompletionBench} run. Immutable.
 *
 * <p>Settings are read as every benchmark of this module reads them ({@link BenchArgs}: arguments
 * over {@code bench.<key>} system properties over the full or {@code --quick} defaults). See {@link
 * #usage()} for the keys.
 *
 * @param quick tiny sizes for a smoke run
 * @param scenarios scenarios to run, in report order
 * @param partitions partitions of each topic
 * @param streamThreads Kafka Streams threads per topology
 * @param punctuationInterval Tracefold's wall-clock punctuation interval
 * @param throughputTraces traces pre-loaded for the throughput scenarios
 * @param throughputSpansPerTrace spans per trace there
 * @param throughputQuietWindow quiet window (Tracefold) and inactivity gap (baseline) there
 * @param lagSpansPerSecond offered load of the lag scenarios; 0 for {@code auto}: half the spans/s
 *     of the Tracefold throughput scenario of the same run, at most {@value #MAX_AUTO_LAG_RATE}
 *     ({@value #FALLBACK_LAG_RATE} if that scenario does not run)
 * @param lagSpansPerTrace spans per trace there
 * @param lagSpanGap wall-clock gap between two spans of one trace; below the quiet window
 * @param lagQuietWindow quiet window and inactivity gap there
 * @param lagWarmup time from the first span until lag samples count
 * @param lagMeasure length of the window whose completions give the lag figures
 * @param lagBufferedTraces traces Tracefold should hold during the lag scenario: what the paced
 *     load keeps open falls short of it is pre-loaded as idle one-span traces of project {@value
 *     #IDLE_PROJECT}, whose quiet window is {@code memoryQuietWindow}; 0 for none
 * @param memoryTraces one-span traces buffered for the memory scenarios
 * @param memoryQuietWindow quiet window and gap there (long, so nothing completes)
 * @param afterInputWait wall time granted after the input is consumed before counting the traces
 *     that were not emitted
 * @param timeout longest wait for any one step (start, load, completion)
 * @param workDir parent of the per-scenario broker and state directories
 * @param fork run each scenario in a child JVM (clean heap and RSS figures)
 * @param runScenario set in a child JVM: the one scenario it runs
 * @param resultFile set in a child JVM: where it writes its {@link ScenarioResult}
 * @param args the command-line arguments as given (printed in the reproduce command)
 * @param effective every setting's effective value, by key (printed with the report)
 */
record BenchOptions(
    boolean quick,
    List<Scenario> scenarios,
    int partitions,
    int streamThreads,
    Duration punctuationInterval,
    int throughputTraces,
    int throughputSpansPerTrace,
    Duration throughputQuietWindow,
    int lagSpansPerSecond,
    int lagSpansPerTrace,
    Duration lagSpanGap,
    Duration lagQuietWindow,
    Duration lagWarmup,
    Duration lagMeasure,
    int lagBufferedTraces,
    int memoryTraces,
    Duration memoryQuietWindow,
    Duration afterInputWait,
    Duration timeout,
    Path workDir,
    boolean fork,
    Scenario runScenario,
    Path resultFile,
    List<String> args,
    Map<String, String> effective) {

  static final int MAX_AUTO_LAG_RATE = 20_000;
  static final int FALLBACK_LAG_RATE = 5_000;

  /** Project of the idle traces of the lag scenario. */
  static final String IDLE_PROJECT = "bench-idle";

  private static final Map<String, String> FULL = defaults(false);
  private static final Map<String, String> QUICK = defaults(true);
  private static final List<String> HIDDEN = List.of("run-scenario", "result-file");

  BenchOptions {
    scenarios = List.copyOf(scenarios);
    args = List.copyOf(args);
    effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
  }

  private static Map<String, String> defaults(boolean quick) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("scenarios", Scenario.allIds());
    d.put("partitions", quick ? "3" : "6");
    d.put("stream-threads", "1");
    d.put("punctuation-interval", "100ms");
    d.put("throughput-traces", quick ? "600" : "6000");
    d.put("throughput-spans-per-trace", "5");
    d.put("throughput-quiet-window", quick ? "1s" : "2s");
    d.put("lag-spans-per-second", quick ? "1000" : "auto");
    d.put("lag-spans-per-trace", "5");
    d.put("lag-span-gap", quick ? "300ms" : "4s");
    d.put("lag-quiet-window", quick ? "1s" : "5s");
    d.put("lag-warmup", quick ? "2s" : "25s");
    d.put("lag-measure", quick ? "3s" : "30s");
    d.put("lag-buffered-traces", quick ? "1000" : "30000");
    d.put("memory-traces", quick ? "2000" : "30000");
    d.put("memory-quiet-window", "30m");
    d.put("after-input-wait", quick ? "1500ms" : "10s");
    d.put("timeout", quick ? "60s" : "5m");
    d.put("work-dir", BenchArgs.defaultWorkDir());
    d.put("fork", "true");
    d.put("run-scenario", "");
    d.put("result-file", "");
    return d;
  }

  /**
   * Parses the arguments over the system properties over the defaults.
   *
   * @param args {@code --key=value} arguments; {@code --quick} and {@code --help} take no value,
   *     {@code --fork} alone means {@code --fork=true}
   * @param systemProperties where {@code bench.<key>} properties are looked up
   * @return the options, or null if {@code --help} was given
   * @throws IllegalArgumentException naming the key and the accepted form, for an unknown key or a
   *     bad value
   */
  static BenchOptions parse(List<String> args, Properties systemProperties) {
    BenchArgs.Resolved resolved = BenchArgs.resolve(args, systemProperties, FULL, QUICK);
    return resolved == null ? null : from(resolved.quick(), resolved.values(), resolved.args());
  }

  private static BenchOptions from(boolean quick, Map<String, String> v, List<String> args) {
    List<Scenario> scenarios = new ArrayList<>();
    for (String id : v.get("scenarios").split(",")) {
      if (!id.isBlank()) {
        Scenario scenario = Scenario.byId(id);
        if (!scenarios.contains(scenario)) {
          scenarios.add(scenario);
        }
      }
    }
    scenarios.sort(null);
    String runScenario = v.get("run-scenario");
    String resultFile = v.get("result-file");
    Map<String, String> effective = BenchArgs.visible(v, HIDDEN);
    BenchOptions options =
        new BenchOptions(
            quick,
            scenarios,
            BenchArgs.positiveInt(v, "partitions"),
            BenchArgs.positiveInt(v, "stream-threads"),
            BenchArgs.positiveDuration(v, "punctuation-interval"),
            BenchArgs.positiveInt(v, "throughput-traces"),
            BenchArgs.positiveInt(v, "throughput-spans-per-trace"),
            BenchArgs.positiveDuration(v, "throughput-quiet-window"),
            v.get("lag-spans-per-second").trim().equals("auto")
                ? 0
                : BenchArgs.positiveInt(v, "lag-spans-per-second"),
            BenchArgs.positiveInt(v, "lag-spans-per-trace"),
            BenchArgs.duration(v, "lag-span-gap"),
            BenchArgs.positiveDuration(v, "lag-quiet-window"),
            BenchArgs.duration(v, "lag-warmup"),
            BenchArgs.positiveDuration(v, "lag-measure"),
            BenchArgs.nonNegativeInt(v, "lag-buffered-traces"),
            BenchArgs.positiveInt(v, "memory-traces"),
            BenchArgs.positiveDuration(v, "memory-quiet-window"),
            BenchArgs.duration(v, "after-input-wait"),
            BenchArgs.positiveDuration(v, "timeout"),
            Path.of(v.get("work-dir")),
            Boolean.parseBoolean(v.get("fork")),
            runScenario.isEmpty() ? null : Scenario.byId(runScenario),
            resultFile.isEmpty() ? null : Path.of(resultFile),
            args,
            effective);
    for (String quiet : List.of("throughput-quiet-window", "lag-quiet-window")) {
      if (options.afterInputWait.compareTo(Durations.parse(v.get(quiet))) <= 0) {
        throw new IllegalArgumentException(
            "--after-input-wait ("
                + v.get("after-input-wait")
                + ") must exceed --"
                + quiet
                + " ("
                + v.get(quiet)
                + "), or Tracefold's last traces cannot complete in it");
      }
    }
    if (options.lagSpanGap.compareTo(options.lagQuietWindow) >= 0) {
      throw new IllegalArgumentException(
          "--lag-span-gap ("
              + options.lagSpanGap
              + ") must be below --lag-quiet-window ("
              + options.lagQuietWindow
              + "), or traces complete between spans");
    }
    return options;
  }

  /** A copy whose lag rate is {@code spansPerSecond} (resolving {@code auto}). */
  BenchOptions withLagSpansPerSecond(int spansPerSecond) {
    Map<String, String> changed = new LinkedHashMap<>(effective);
    changed.put(
        "lag-spans-per-second",
        effective.get("lag-spans-per-second").equals("auto")
            ? "auto (resolved to " + spansPerSecond + ")"
            : Integer.toString(spansPerSecond));
    return new BenchOptions(
        quick,
        scenarios,
        partitions,
        streamThreads,
        punctuationInterval,
        throughputTraces,
        throughputSpansPerTrace,
        throughputQuietWindow,
        spansPerSecond,
        lagSpansPerTrace,
        lagSpanGap,
        lagQuietWindow,
        lagWarmup,
        lagMeasure,
        lagBufferedTraces,
        memoryTraces,
        memoryQuietWindow,
        afterInputWait,
        timeout,
        workDir,
        fork,
        runScenario,
        resultFile,
        args,
        changed);
  }

  /**
   * Traces open at once in the lag scenarios once warm: trace rate x (span spread + quiet window).
   */
  long expectedOpenLagTraces() {
    double tracesPerSecond = (double) lagSpansPerSecond / lagSpansPerTrace;
    Duration open = lagSpanGap.multipliedBy(lagSpansPerTrace - 1L).plus(lagQuietWindow);
    return Math.round(tracesPerSecond * open.toMillis() / 1000.0);
  }

  /** The help text: every key with its full and quick default. */
  static String usage() {
    return BenchArgs.usage("CompletionBench", FULL, QUICK, HIDDEN);
  }
}

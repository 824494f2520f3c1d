package dev.tracefold.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Settings of one {@link PipelineBench} run, read as {@link BenchArgs} describes. Immutable.
 *
 * @param quick tiny sizes for a smoke run
 * @param traces traces to send (when neither {@code duration} nor {@code soak} is set)
 * @param duration send for this long instead of a number of traces (zero: use {@code traces})
 * @param soak a soak run of this length (zero: none); needs a {@code spansPerSecond}
 * @param agents concurrent agents
 * @param spansPerTrace spans of each agent trace
 * @param spanGap time between two consecutive spans of one trace
 * @param spansPerSecond offered rate; 0 = as fast as the agents go (each agent starts its next
 *     trace one span gap after its last span)
 * @param exporters exporter threads of the simulated SDK batch span processors
 * @param batchSize most spans per request
 * @param exportDelay an exporter sends what it holds at least this often
 * @param quietWindow the pipeline's quiet window
 * @param punctuationInterval how often the completion stream looks for due traces
 * @param partitions partitions of the pipeline's topics
 * @param timeout how long to wait, after the last acknowledgement, for every trace to be final and
 *     stored
 * @param sampleInterval time between two samples of lag, RSS and CPU
 * @param pipelineJvmOptions JVM options of the pipeline's child JVM, space-separated
 * @param workDir parent of the run's data directory (deleted afterwards)
 * @param args the command-line arguments as given (printed in the reproduce command)
 * @param effective every setting's effective value, by key (printed with the report)
 */
record PipelineBenchOptions(
    boolean quick,
    int traces,
    Duration duration,
    Duration soak,
    int agents,
    int spansPerTrace,
    Duration spanGap,
    int spansPerSecond,
    int exporters,
    int batchSize,
    Duration exportDelay,
    Duration quietWindow,
    Duration punctuationInterval,
    int partitions,
    Duration timeout,
    Duration sampleInterval,
    List<String> pipelineJvmOptions,
    Path workDir,
    List<String> args,
    Map<String, String> effective) {

  /** Agents of a run without a rate: 4,000 agents with 200 ms gaps offer 20,000 spans/s. */
  static final int DEFAULT_AGENTS = 4_000;

  private static final Map<String, String> FULL = defaults(false);
  private static final Map<String, String> QUICK = defaults(true);

  PipelineBenchOptions {
    args = List.copyOf(args);
    pipelineJvmOptions = List.copyOf(pipelineJvmOptions);
    effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
  }

  private static Map<String, String> defaults(boolean quick) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("traces", quick ? "200" : "50000");
    d.put("duration", "0s");
    d.put("soak", "0s");
    d.put("agents", "auto");
    d.put("spans-per-trace", "8");
    d.put("span-gap", quick ? "100ms" : "200ms");
    d.put("spans-per-second", "max");
    d.put("exporters", quick ? "2" : "8");
    d.put("batch-size", "512");
    d.put("export-delay", "200ms");
    d.put("quiet-window", quick ? "2s" : "5s");
    d.put("punctuation-interval", quick ? "200ms" : "500ms");
    d.put("partitions", quick ? "3" : "6");
    d.put("timeout", quick ? "60s" : "5m");
    d.put("sample-interval", "auto");
    d.put("pipeline-jvm-options", "-Xmx1g -XX:+UseParallelGC");
    d.put("work-dir", BenchArgs.defaultWorkDir());
    return d;
  }

  /**
   * Parses the arguments over the system properties over the defaults.
   *
   * @return the options, or null if {@code --help} was given
   * @throws IllegalArgumentException naming the key, for an unknown key or a bad value
   */
  static PipelineBenchOptions parse(List<String> args, Properties systemProperties) {
    BenchArgs.Resolved r = BenchArgs.resolve(args, systemProperties, FULL, QUICK);
    if (r == null) {
      return null;
    }
    Map<String, String> v = new LinkedHashMap<>(r.values());
    Duration soak = BenchArgs.duration(v, "soak");
    Duration spanGap = BenchArgs.positiveDuration(v, "span-gap");
    int spansPerSecond =
        v.get("spans-per-second").equals("max") ? 0 : BenchArgs.positiveInt(v, "spans-per-second");
    if (!soak.isZero() && spansPerSecond == 0) {
      throw new IllegalArgumentException(
          "--soak needs --spans-per-second (e.g. 80% of a measured end-to-end rate)");
    }
    if (v.get("agents").equals("auto")) {
      v.put("agents", Integer.toString(autoAgents(spansPerSecond, spanGap, r.quick())));
    }
    if (v.get("sample-interval").equals("auto")) {
      v.put("sample-interval", soak.isZero() ? "1s" : "10s");
    }
    int spansPerTrace = BenchArgs.positiveInt(v, "spans-per-trace");
    if (spansPerTrace < 2) {
      throw new IllegalArgumentException(
          "--spans-per-trace must be at least 2 (a root and a child)");
    }
    return new PipelineBenchOptions(
        r.quick(),
        BenchArgs.positiveInt(v, "traces"),
        BenchArgs.duration(v, "duration"),
        soak,
        BenchArgs.positiveInt(v, "agents"),
        spansPerTrace,
        spanGap,
        spansPerSecond,
        BenchArgs.positiveInt(v, "exporters"),
        BenchArgs.positiveInt(v, "batch-size"),
        BenchArgs.positiveDuration(v, "export-delay"),
        BenchArgs.positiveDuration(v, "quiet-window"),
        BenchArgs.positiveDuration(v, "punctuation-interval"),
        BenchArgs.positiveInt(v, "partitions"),
        BenchArgs.positiveDuration(v, "timeout"),
        BenchArgs.positiveDuration(v, "sample-interval"),
        List.of(v.get("pipeline-jvm-options").trim().split("\\s+")),
        Path.of(v.get("work-dir")),
        r.args(),
        BenchArgs.visible(v, List.of()));
  }

  /**
   * Agents for a rate: each agent sends one span per gap while it runs a trace and pauses one gap
   * between traces, so {@code rate x gap} agents offer the rate; 25% more absorb jitter. Without a
   * rate: {@link #DEFAULT_AGENTS} (quick: 100).
   */
  static int autoAgents(int spansPerSecond, Duration spanGap, boolean quick) {
    if (spansPerSecond == 0) {
      return quick ? 100 : DEFAULT_AGENTS;
    }
    return (int) Math.max(1, Math.ceil(spansPerSecond * (spanGap.toNanos() / 1e9) * 1.25));
  }

  /**
   * Whether the load runs for a time ({@code --duration} or {@code --soak}) instead of a trace
   * count.
   */
  boolean timed() {
    return !soak.isZero() || !duration.isZero();
  }

  /** How long a timed load runs: the soak, else the duration. */
  Duration loadTime() {
    return soak.isZero() ? duration : soak;
  }

  /** Spans/s the agents offer: the rate, or one span per gap per agent. */
  double offeredSpansPerSecond() {
    return spansPerSecond > 0 ? spansPerSecond : agents / (spanGap.toNanos() / 1e9);
  }

  /** Upper bound of the traces the run starts (the size of the per-trace ledger). */
  int maxTraces() {
    if (!timed()) {
      return traces;
    }
    double bound =
        offeredSpansPerSecond() / spansPerTrace * loadTime().toSeconds() * 1.2 + agents + 1_000;
    if (bound > 20_000_000) {
      throw new IllegalArgumentException(
          "--duration/--soak at this rate would start more than 20M traces");
    }
    return (int) bound;
  }

  /** The help text: every key with its full and quick default. */
  static String usage() {
    return BenchArgs.usage("PipelineBench", FULL, QUICK, List.of());
  }
}

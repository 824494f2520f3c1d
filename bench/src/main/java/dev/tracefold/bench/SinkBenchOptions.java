package dev.tracefold.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Settings of one {@link SinkBench} run, read as {@link BenchArgs} describes. Immutable.
 *
 * @param quick tiny sizes for a smoke run
 * @param traces traces pre-loaded (each as {@code spansPerTrace} spans, then as one completed
 *     revision)
 * @param spansPerTrace spans of each trace, the root last
 * @param concurrentTraces traces in flight at once while the spans are generated: each next span
 *     belongs to one of them picked at random, as concurrent agents interleave theirs
 * @param partitions partitions of every topic
 * @param sinks rollup sink instances (one span writer and one completed-trace writer each; the
 *     partitions are shared among them as among sinks on several machines)
 * @param maxPollRecords the span writer's {@code max-poll-records} (spans per poll at most)
 * @param spanWriteConcurrency the span writer's {@code span-write-concurrency}: groups (by trace)
 *     of a poll stored at once, one database transaction each
 * @param completedMaxPollRecords the completed-trace writer's {@code completed-max-poll-records}
 * @param timeout longest each phase may take before the run fails
 * @param workDir parent of the run's broker and PostgreSQL directories
 * @param args the command-line arguments as given (printed in the reproduce command)
 * @param effective every setting's effective value, by key (printed with the report)
 */
record SinkBenchOptions(
    boolean quick,
    int traces,
    int spansPerTrace,
    int concurrentTraces,
    int partitions,
    int sinks,
    int maxPollRecords,
    int spanWriteConcurrency,
    int completedMaxPollRecords,
    Duration timeout,
    Path workDir,
    List<String> args,
    Map<String, String> effective) {

  private static final Map<String, String> FULL = defaults(false);
  private static final Map<String, String> QUICK = defaults(true);

  SinkBenchOptions {
    args = List.copyOf(args);
    effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
  }

  private static Map<String, String> defaults(boolean quick) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("traces", quick ? "300" : "25000");
    d.put("spans-per-trace", "8");
    d.put("concurrent-traces", quick ? "50" : "500");
    d.put("partitions", "4");
    d.put("sinks", "1");
    d.put("max-poll-records", "5000");
    d.put("span-write-concurrency", "1");
    d.put("completed-max-poll-records", "200");
    d.put("timeout", quick ? "2m" : "10m");
    d.put("work-dir", BenchArgs.defaultWorkDir());
    return d;
  }

  /** Spans pre-loaded in all. */
  long spans() {
    return (long) traces * spansPerTrace;
  }

  /**
   * Parses the arguments over the system properties over the defaults.
   *
   * @return the options, or null if {@code --help} was given
   * @throws IllegalArgumentException naming the key, for an unknown key or a bad value
   */
  static SinkBenchOptions parse(List<String> args, Properties systemProperties) {
    BenchArgs.Resolved r = BenchArgs.resolve(args, systemProperties, FULL, QUICK);
    if (r == null) {
      return null;
    }
    Map<String, String> v = r.values();
    SinkBenchOptions options =
        new SinkBenchOptions(
            r.quick(),
            BenchArgs.positiveInt(v, "traces"),
            BenchArgs.positiveInt(v, "spans-per-trace"),
            BenchArgs.positiveInt(v, "concurrent-traces"),
            BenchArgs.positiveInt(v, "partitions"),
            BenchArgs.positiveInt(v, "sinks"),
            BenchArgs.positiveInt(v, "max-poll-records"),
            BenchArgs.positiveInt(v, "span-write-concurrency"),
            BenchArgs.positiveInt(v, "completed-max-poll-records"),
            BenchArgs.positiveDuration(v, "timeout"),
            Path.of(v.get("work-dir")),
            r.args(),
            BenchArgs.visible(v, List.of()));
    if (options.spansPerTrace > 0xFFFF) {
      throw new IllegalArgumentException(
          "--spans-per-trace must be at most 65535, got " + options.spansPerTrace);
    }
    return options;
  }

  /** The help text: every key with its full and quick default. */
  static String usage() {
    return BenchArgs.usage("SinkBench", FULL, QUICK, List.of());
  }
}

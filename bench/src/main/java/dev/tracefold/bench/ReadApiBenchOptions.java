package dev.tracefold.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Settings of one {@link ReadApiBench} run, read as {@link BenchArgs} describes. Immutable.
 *
 * @param quick tiny sizes for a smoke run
 * @param traces traces loaded into the store, all of one project
 * @param detailTraces of those, how many are stored with their spans (the single-trace query reads
 *     them)
 * @param clients concurrent HTTP clients per query
 * @param warmup load of each query before its measured window
 * @param duration each query's measured window
 * @param workDir parent of the run's PostgreSQL directory
 * @param args the command-line arguments as given (printed in the reproduce command)
 * @param effective every setting's effective value, by key (printed with the report)
 */
record ReadApiBenchOptions(
    boolean quick,
    int traces,
    int detailTraces,
    int clients,
    Duration warmup,
    Duration duration,
    Path workDir,
    List<String> args,
    Map<String, String> effective) {

  private static final Map<String, String> FULL = defaults(false);
  private static final Map<String, String> QUICK = defaults(true);

  ReadApiBenchOptions {
    args = List.copyOf(args);
    effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
  }

  private static Map<String, String> defaults(boolean quick) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("traces", quick ? "5000" : "1000000");
    d.put("detail-traces", quick ? "100" : "1000");
    d.put("clients", "2");
    d.put("warmup", quick ? "300ms" : "3s");
    d.put("duration", quick ? "1s" : "10s");
    d.put("work-dir", BenchArgs.defaultWorkDir());
    return d;
  }

  /**
   * Parses the arguments over the system properties over the defaults.
   *
   * @return the options, or null if {@code --help} was given
   * @throws IllegalArgumentException naming the key, for an unknown key or a bad value
   */
  static ReadApiBenchOptions parse(List<String> args, Properties systemProperties) {
    BenchArgs.Resolved r = BenchArgs.resolve(args, systemProperties, FULL, QUICK);
    if (r == null) {
      return null;
    }
    Map<String, String> v = r.values();
    ReadApiBenchOptions options =
        new ReadApiBenchOptions(
            r.quick(),
            BenchArgs.positiveInt(v, "traces"),
            BenchArgs.positiveInt(v, "detail-traces"),
            BenchArgs.positiveInt(v, "clients"),
            BenchArgs.duration(v, "warmup"),
            BenchArgs.positiveDuration(v, "duration"),
            Path.of(v.get("work-dir")),
            r.args(),
            BenchArgs.visible(v, List.of()));
    if (options.detailTraces > options.traces) {
      throw new IllegalArgumentException(
          "--detail-traces ("
              + options.detailTraces
              + ") must not exceed --traces ("
              + options.traces
              + ")");
    }
    return options;
  }

  /** The help text: every key with its full and quick default. */
  static String usage() {
    return BenchArgs.usage("ReadApiBench", FULL, QUICK, List.of());
  }
}

package dev.tracefold.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Settings of one {@link GatewayBench} run, read as {@link BenchArgs} describes. Immutable.
 *
 * @param quick tiny sizes for a smoke run
 * @param clients concurrent OTLP/HTTP clients
 * @param spansPerRequest spans in each {@code ExportTraceServiceRequest}
 * @param warmup load before the measured window (also the raw producer's warm-up)
 * @param duration the gateway's measured window
 * @param partitions partitions of {@code tracefold.spans}
 * @param rawThreads threads sending the raw producer's spans
 * @param workDir parent of the run's broker and PostgreSQL directories
 * @param args the command-line arguments as given (printed in the reproduce command)
 * @param effective every setting's effective value, by key (printed with the report)
 */
record GatewayBenchOptions(
    boolean quick,
    int clients,
    int spansPerRequest,
    Duration warmup,
    Duration duration,
    int partitions,
    int rawThreads,
    Path workDir,
    List<String> args,
    Map<String, String> effective) {

  private static final Map<String, String> FULL = defaults(false);
  private static final Map<String, String> QUICK = defaults(true);

  GatewayBenchOptions {
    args = List.copyOf(args);
    effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
  }

  private static Map<String, String> defaults(boolean quick) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("clients", quick ? "2" : "8");
    d.put("spans-per-request", "512");
    d.put("warmup", quick ? "2s" : "15s");
    d.put("duration", quick ? "3s" : "60s");
    d.put("partitions", quick ? "3" : "6");
    d.put("raw-threads", Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors())));
    d.put("work-dir", BenchArgs.defaultWorkDir());
    return d;
  }

  /**
   * Parses the arguments over the system properties over the defaults.
   *
   * @return the options, or null if {@code --help} was given
   * @throws IllegalArgumentException naming the key, for an unknown key or a bad value
   */
  static GatewayBenchOptions parse(List<String> args, Properties systemProperties) {
    BenchArgs.Resolved r = BenchArgs.resolve(args, systemProperties, FULL, QUICK);
    if (r == null) {
      return null;
    }
    Map<String, String> v = r.values();
    return new GatewayBenchOptions(
        r.quick(),
        BenchArgs.positiveInt(v, "clients"),
        BenchArgs.positiveInt(v, "spans-per-request"),
        BenchArgs.duration(v, "warmup"),
        BenchArgs.positiveDuration(v, "duration"),
        BenchArgs.positiveInt(v, "partitions"),
        BenchArgs.positiveInt(v, "raw-threads"),
        Path.of(v.get("work-dir")),
        r.args(),
        BenchArgs.visible(v, List.of()));
  }

  /** The help text: every key with its full and quick default. */
  static String usage() {
    return BenchArgs.usage("GatewayBench", FULL, QUICK, List.of());
  }
}

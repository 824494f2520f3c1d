package dev.tracefold.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the pipeline's child JVM every {@code --sample-interval} on its own thread: its RSS
 * ({@code VmRSS} of {@code /proc/<pid>/status}) and CPU time ({@code ProcessHandle.Info}), the same
 * summed over the embedded PostgreSQL's server (from its {@code postmaster.pid}) and backends, the
 * consumer lag gauges of its {@code /metrics} ({@code tracefold_consumer_lag_records{group,topic}},
 * which the pipeline's {@code KafkaLagMonitor} refreshes from the broker), the load's acknowledged
 * spans and the completion lag of the completed records read since the previous sample. Samples are
 * kept in order; thread-safe.
 */
final class PipelineSampler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PipelineSampler.class);
  private static final Pattern LAG =
      Pattern.compile("^tracefold_consumer_lag_records\\{([^}]*)\\}\\s+([0-9.eE+-]+)");

  /** How often the pipeline's lag monitor refreshes its consumer lag gauges, ms. */
  private static final long LAG_REFRESH_MILLIS = 10_000;

  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /**
   * One sample.
   *
   * @param elapsedMillis since the sampler started
   * @param spansAcked acknowledged spans so far
   * @param jvmRssBytes the pipeline JVM's RSS (-1 unknown)
   * @param jvmCpuNanos its CPU time so far
   * @param jitCpuNanos of that, its JIT compiler threads' (those alive now; 0 where unknown)
   * @param postgresRssBytes RSS summed over its descendant processes (shared memory counted in
   *     each)
   * @param postgresCpuNanos their CPU time so far (of those alive now)
   * @param lagByGroup consumer lag in records, by "group on topic"
   * @param completionLag completion lag of the records read since the previous sample, ms
   */
  record Sample(
      long elapsedMillis,
      long spansAcked,
      long jvmRssBytes,
      long jvmCpuNanos,
      long jitCpuNanos,
      long postgresRssBytes,
      long postgresCpuNanos,
      Map<String, Long> lagByGroup,
      LagSummary completionLag) {
    /** Lag summed over every group. */
    long totalLag() {
      return lagByGroup.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final ProcessHandle pipeline;
  private final PostgresProcesses postgres; // only the sampling thread
  private final URI metrics;
  private Map<String, Long> lastLags; // only touched by the sampler thread
  private long lastLagsNanos;
  private final Supplier<Long> spansAcked;
  private final TraceLedger ledger;
  private final long intervalMillis;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Sample> samples = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param pipeline the pipeline's JVM
   * @param postgresPidFile PostgreSQL's {@code postmaster.pid} (its server detaches from the JVM)
   */
  PipelineSampler(
      ProcessHandle pipeline,
      Path postgresPidFile,
      URI metrics,
      Supplier<Long> spansAcked,
      TraceLedger ledger,
      Duration interval) {
    this.pipeline = pipeline;
    this.postgres = new PostgresProcesses(postgresPidFile, pipeline);
    this.metrics = metrics;
    this.spansAcked = spansAcked;
    this.ledger = ledger;
    this.intervalMillis = interval.toMillis();
    this.thread = new Thread(this::run, "bench-sampler");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    long next = System.nanoTime();
    while (running) {
      try {
        Sample sample = sample();
        synchronized (this) {
          samples.add(sample);
        }
      } catch (RuntimeException e) {
        log.warn("Sampling failed: {}", e.toString());
      }
      next += intervalMillis * 1_000_000L;
      while (running && System.nanoTime() < next) {
        Pause.millis(Math.min(100, Math.max(1, (next - System.nanoTime()) / 1_000_000L)));
      }
    }
  }

  /** Time since the sampler started, ms. */
  long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000L;
  }

  private Sample sample() {
    long rss = MemorySnapshot.rssBytes(pipeline.pid());
    long cpu = CpuMeter.processCpuNanos(pipeline);
    long[] pg = new long[2];
    postgres
        .alive()
        .forEach(
            p -> {
              pg[0] += Math.max(0, MemorySnapshot.rssBytes(p.pid()));
              pg[1] += CpuMeter.processCpuNanos(p);
            });
    return new Sample(
        elapsedMillis(),
        spansAcked.get(),
        rss,
        cpu,
        CpuMeter.compilerThreadsCpuNanos(pipeline.pid()),
        pg[0],
        pg[1],
        lags(),
        ledger.takeIntervalLag().summary());
  }

  /**
   * The consumer lag gauges, read from {@code /metrics} at most every {@link #LAG_REFRESH_MILLIS}
   * (the pipeline's lag monitor refreshes them that often; a scrape costs the pipeline CPU, about
   * 6% of its samples in a profile when taken every second), the last reading in between.
   */
  private Map<String, Long> lags() {
    long now = System.nanoTime();
    if (lastLags != null && now - lastLagsNanos < LAG_REFRESH_MILLIS * 1_000_000L) {
      return lastLags;
    }
    lastLags = scrapeLags();
    lastLagsNanos = now;
    return lastLags;
  }

  private Map<String, Long> scrapeLags() {
    Map<String, Long> lags = new TreeMap<>();
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      for (String line : response.body().split("\n")) {
        Matcher m = LAG.matcher(line);
        if (m.find()) {
          Map<String, String> labels = new TreeMap<>();
          Matcher l = LABEL.matcher(m.group(1));
          while (l.find()) {
            labels.put(l.group(1), l.group(2));
          }
          lags.put(
              labels.get("group") + " on " + labels.get("topic"),
              (long) Double.parseDouble(m.group(2)));
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("Cannot read {}: {}", metrics, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return lags;
  }

  /** The samples so far, in order. */
  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.tracefold.bench;

import dev.tracefold.bench.SpanFactory.BenchTrace;
import dev.tracefold.schemas.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Scenario} in this JVM: a fresh broker and state directory under {@link
 * BenchOptions#workDir()} (deleted afterwards), its own application id, then the measurement. Not
 * thread-safe.
 */
final class ScenarioRunner {
  private static final Logger log = LoggerFactory.getLogger(ScenarioRunner.class);

  /**
   * Traces whose spans are interleaved in the pre-load: spans of one trace stay a few hundred
   * records apart.
   */
  private static final int PRELOAD_WAVE_TRACES = 100;

  private final BenchOptions options;

  ScenarioRunner(BenchOptions options) {
    this.options = options;
  }

  /**
   * Runs {@code scenario} on a broker of its own; a failure is returned as a failed result, not
   * thrown.
   */
  ScenarioResult run(Scenario scenario) {
    return run(scenario, null);
  }

  /**
   * Runs {@code scenario}; a failure is returned as a failed result, not thrown.
   *
   * @param shared a broker to reuse (its topics are recreated first), or null to start one
   */
  ScenarioResult run(Scenario scenario, BenchCluster shared) {
    log.info("Scenario {} starting", scenario.id);
    Path dir;
    try {
      Files.createDirectories(options.workDir());
      dir = Files.createTempDirectory(options.workDir(), scenario.id + "-");
    } catch (IOException e) {
      return ScenarioResult.failed(
          scenario, "Cannot create a directory under " + options.workDir() + ": " + e);
    }
    BenchCluster cluster = null;
    try {
      if (shared == null) {
        cluster = startCluster(dir.resolve("kafka"));
      } else if (scenario != options.scenarios().get(0)) {
        shared.resetTopics();
      }
      BenchCluster used = shared == null ? cluster : shared;
      ScenarioResult result =
          switch (scenario.load) {
            case THROUGHPUT -> throughput(scenario, used, dir.resolve("state"));
            case LAG -> lag(scenario, used, dir.resolve("state"));
            case MEMORY -> memory(scenario, used, dir.resolve("state"));
          };
      log.info("Scenario {} done", scenario.id);
      return result;
    } catch (RuntimeException e) {
      log.error("Scenario {} failed", scenario.id, e);
      return ScenarioResult.failed(scenario, e.toString());
    } finally {
      if (cluster != null) {
        cluster.close();
      }
      deleteRecursively(dir);
    }
  }

  /** Starts a broker with the run's topic sizing on {@code dataDir}. */
  BenchCluster startCluster(Path dataDir) {
    return BenchCluster.start(dataDir, BenchCluster.sizing(options.partitions()));
  }

  private static String applicationId(Scenario scenario) {
    return "bench-" + scenario.id;
  }

  /** Pre-loads the spans, then times the stream from start until every trace is emitted. */
  private ScenarioResult throughput(Scenario scenario, BenchCluster cluster, Path stateDir) {
    int traces = options.throughputTraces();
    Duration quiet = options.throughputQuietWindow();
    Preload preload = preload(cluster, traces, options.throughputSpansPerTrace());
    ScenarioResult.Builder result =
        new ScenarioResult.Builder(scenario).spans(preload.spans()).traces(traces);
    preload.describeInto(result);
    String topic = outputTopic(scenario);
    try (CompletedTraceReader reader =
        new CompletedTraceReader(cluster.bootstrapServers(), topic, false, quiet.toMillis())) {
      MemorySnapshot before = MemorySnapshot.take();
      CpuMeter cpu = new CpuMeter(ScenarioRunner::throughputThreadCategory);
      cpu.start();
      long startEpochMillis = System.currentTimeMillis();
      try (StreamUnderTest stream =
          StreamUnderTest.start(
              scenario.kind,
              quiet,
              Map.of(),
              options,
              cluster,
              applicationId(scenario),
              stateDir)) {
        long runningEpochMillis = System.currentTimeMillis();
        Outcome outcome = awaitEmitted(stream, reader, cluster, traces);
        CpuMeter.Usage usage = cpu.stop();
        long emitted = reader.distinctTraces();
        long endEpochMillis =
            emitted == traces
                ? reader.lastNewTraceEpochMillis()
                : Math.max(reader.lastNewTraceEpochMillis(), outcome.inputConsumedEpochMillis());
        result
            .duration(endEpochMillis - startEpochMillis, emitted)
            .tracesNotEmitted(traces - emitted)
            .memory(before, MemorySnapshot.take())
            .note(
                emitted == traces
                    ? "duration: from starting the stream (RUNNING after %.1f s) until the last trace was received by a"
                        + " read_committed consumer; it includes the %s quiet window of the last traces"
                    : "duration: from starting the stream (RUNNING after %.1f s) until the input was consumed or the"
                        + " last trace received, whichever came later (quiet window %s)",
                seconds(runningEpochMillis - startEpochMillis),
                text(quiet))
            .note(
                "excluding the start-up (from RUNNING until the last trace): %,.0f spans/s",
                preload.spans() * 1000.0 / Math.max(1, endEpochMillis - runningEpochMillis))
            .note(
                "%,d traces emitted in %,d records%s",
                emitted,
                reader.records(),
                reader.records() > emitted
                    ? " (extra revisions: a trace completed before its last span was processed, more than the quiet"
                        + " window after the one before)"
                    : "");
        double nanosPerMicrosecondOfEverySpan = 1_000.0 * Math.max(1, preload.spans());
        result.note(
            "CPU per span over the same duration: %.1f µs on the stream threads (processing,"
                + " punctuation, state stores), %.1f µs on their producers' network threads, %.1f"
                + " µs for the whole process (broker, consumer, RocksDB, GC and JIT included)",
            usage.of(STREAM_THREADS) / nanosPerMicrosecondOfEverySpan,
            usage.of(STREAM_PRODUCER_THREADS) / nanosPerMicrosecondOfEverySpan,
            usage.processNanos() / nanosPerMicrosecondOfEverySpan);
        outcome.describeInto(result, options.afterInputWait());
      }
    }
    return result.build();
  }

  private static final String STREAM_THREADS = "stream";
  private static final String STREAM_PRODUCER_THREADS = "stream producer";

  /**
   * The CPU category of a thread in the throughput scenario: Kafka Streams' {@code
   * <client>-StreamThread-<n>}, their producers' {@code kafka-producer-network-thread | ...}, or
   * the rest.
   */
  static String throughputThreadCategory(String threadName) {
    if (threadName == null || !threadName.contains("-StreamThread-")) {
      return "other";
    }
    return threadName.startsWith("kafka-producer-network-thread")
        ? STREAM_PRODUCER_THREADS
        : STREAM_THREADS;
  }

  /**
   * Offers a steady paced load and measures the lag of the completions inside a window. For
   * Tracefold, idle one-span traces (a project with a long quiet window) top the buffered traces up
   * to {@link BenchOptions#lagBufferedTraces()} first.
   */
  private ScenarioResult lag(Scenario scenario, BenchCluster cluster, Path stateDir) {
    Duration quiet = options.lagQuietWindow();
    ScenarioResult.Builder result = new ScenarioResult.Builder(scenario);
    int rate = options.lagSpansPerSecond();
    if (rate == 0) {
      rate = BenchOptions.FALLBACK_LAG_RATE;
      result.note(
          "--lag-spans-per-second=auto without a throughput scenario in the run: %,d spans/s",
          rate);
    }
    BenchOptions sized = options.withLagSpansPerSecond(rate);
    long idleTraces =
        scenario.kind == Scenario.Kind.TRACEFOLD
            ? Math.max(0, options.lagBufferedTraces() - sized.expectedOpenLagTraces())
            : 0;
    if (idleTraces > 0) {
      preload(cluster, (int) idleTraces, 1, BenchOptions.IDLE_PROJECT).describeInto(result);
    }
    try (CompletedTraceReader reader =
            new CompletedTraceReader(
                cluster.bootstrapServers(), outputTopic(scenario), true, quiet.toMillis());
        KafkaProducer<byte[], byte[]> producer = cluster.newProducer("bench-paced")) {
      MemorySnapshot before = MemorySnapshot.take();
      try (StreamUnderTest stream =
          StreamUnderTest.start(
              scenario.kind,
              quiet,
              Map.of(BenchOptions.IDLE_PROJECT, options.memoryQuietWindow()),
              options,
              cluster,
              applicationId(scenario),
              stateDir)) {
        if (idleTraces > 0) {
          long idleStart = System.currentTimeMillis();
          boolean idle =
              Pause.until(
                  () -> {
                    stream.checkRunning();
                    return stream.bufferedTraces().orElse(0) >= idleTraces
                        && cluster.inputConsumed(stream.applicationId());
                  },
                  options.timeout(),
                  200);
          if (!idle) {
            throw new IllegalStateException(
                "The " + idleTraces + " idle traces were not in state within " + options.timeout());
          }
          result.note(
              "%,d idle one-span traces (project %s, quiet window %s) were in state %.1f s after the start;"
                  + " then the paced load began",
              idleTraces,
              BenchOptions.IDLE_PROJECT,
              text(options.memoryQuietWindow()),
              seconds(System.currentTimeMillis() - idleStart));
        } else if (scenario.kind == Scenario.Kind.BASELINE) {
          result.note(
              "no idle traces: the baseline has one inactivity gap for every key, on stream time, so it"
                  + " cannot hold idle traces open while the load advances stream time");
        }
        measureLag(sized, stream, reader, producer, cluster, result);
        result.memory(before, MemorySnapshot.take());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
    return result.build();
  }

  private void measureLag(
      BenchOptions sized,
      StreamUnderTest stream,
      CompletedTraceReader reader,
      KafkaProducer<byte[], byte[]> producer,
      BenchCluster cluster,
      ScenarioResult.Builder result)
      throws InterruptedException {
    int rate = sized.lagSpansPerSecond();
    try (PacedSpanProducer load =
        new PacedSpanProducer(
            producer,
            new SpanFactory(rate),
            rate,
            sized.lagSpansPerTrace(),
            sized.lagSpanGap().toNanos())) {
      long loadStart = System.currentTimeMillis();
      long windowStart = loadStart + sized.lagWarmup().toMillis();
      long windowEnd = windowStart + sized.lagMeasure().toMillis();
      reader.measureBetween(windowStart, windowEnd);
      long spansAtStart = -1;
      long emittedAtStart = -1;
      long openSum = 0;
      long openMax = 0;
      long gaugeSum = 0;
      int samples = 0;
      while (System.currentTimeMillis() < windowEnd) {
        stream.checkRunning();
        reader.checkHealthy();
        load.checkHealthy();
        if (System.currentTimeMillis() >= windowStart) {
          if (spansAtStart < 0) {
            spansAtStart = load.spansSent();
            emittedAtStart = reader.distinctTraces();
          }
          long open = load.tracesStarted() - reader.distinctTraces();
          openSum += open;
          openMax = Math.max(openMax, open);
          gaugeSum += stream.bufferedTraces().orElse(0);
          samples++;
        }
        Pause.millis(200);
      }
      long spansInWindow = load.spansSent() - spansAtStart;
      long emittedInWindow = reader.distinctTraces() - emittedAtStart;
      load.stopNewTraces();
      long drainMillis =
          sized
              .lagSpanGap()
              .multipliedBy(sized.lagSpansPerTrace())
              .plus(sized.timeout())
              .toMillis();
      if (!load.awaitFinished(drainMillis)) {
        throw new IllegalStateException(
            "The paced producer did not finish its open traces within " + drainMillis + " ms");
      }
      load.checkHealthy();
      Outcome outcome = awaitEmitted(stream, reader, cluster, load.tracesStarted());
      double windowSeconds = sized.lagMeasure().toMillis() / 1000.0;
      long openAverage = samples == 0 ? 0 : openSum / samples;
      long gaugeAverage = samples == 0 ? 0 : gaugeSum / samples;
      result
          .spans(load.spansSent())
          .traces(load.tracesStarted())
          .rates(
              sized.lagMeasure().toMillis(),
              spansInWindow / windowSeconds,
              emittedInWindow / windowSeconds)
          .bufferedTraces(stream.bufferedTraces().isPresent() ? gaugeAverage : openAverage)
          .visibleLag(reader.visibleLag())
          .tracesNotEmitted(load.tracesStarted() - reader.distinctTraces())
          .note(
              "offered %,d spans/s (%d spans per trace, %s apart); achieved %,.0f spans/s in the window;"
                  + " the producer was at worst %,d ms behind its schedule",
              rate,
              sized.lagSpansPerTrace(),
              text(sized.lagSpanGap()),
              spansInWindow / windowSeconds,
              load.maxSendDelayMillis())
          .note(
              "window: completions received %s to %s after the load started; lag = time - (lastArrivalEpochMillis"
                  + " + %s)",
              text(sized.lagWarmup()),
              text(sized.lagWarmup().plus(sized.lagMeasure())),
              text(sized.lagQuietWindow()))
          .note(
              "traces of the load open in the window (started - emitted): average %,d, max %,d (expected ~%,d)%s",
              openAverage,
              openMax,
              sized.expectedOpenLagTraces(),
              stream.bufferedTraces().isPresent()
                  ? String.format(
                      Locale.ROOT,
                      "; Tracefold's buffered-traces gauge (idle traces included)"
                          + " averaged %,d: the open traces column",
                      gaugeAverage)
                  : "");
      if (reader.timestampIsNotEmitTime() == 0 && reader.timestampIsEmitTime() > 0) {
        result
            .emitLag(reader.emitLag())
            .note(
                "all %,d completed records carry CreateTime = completedEpochMillis: emit lag uses the record"
                    + " timestamp",
                reader.timestampIsEmitTime());
      } else {
        result.note(
            "%,d of %,d completed records carry a timestamp other than their emit time (the baseline's is"
                + " the session end, in event time): no emit lag, only the consumer-side lag",
            reader.timestampIsNotEmitTime(),
            reader.timestampIsNotEmitTime() + reader.timestampIsEmitTime());
      }
      LagSummary delay = reader.arrivalDelay();
      result.note(
          "processing delay of the last span of each trace (lastArrivalEpochMillis - its send time),"
              + " p50 / p99 / max: %s ms",
          delay.format());
      if (reader.records() > reader.distinctTraces()) {
        result.note(
            "%,d extra revisions: traces completed before their last span was processed. Arrival is the"
                + " stream's wall clock when it processes a span, so when its processing delay varies by more than"
                + " quiet window - span gap (%s), a trace splits",
            reader.records() - reader.distinctTraces(),
            text(sized.lagQuietWindow().minus(sized.lagSpanGap())));
      }
      outcome.describeInto(result, sized.afterInputWait());
    }
  }

  /**
   * Buffers one-span traces under a quiet window long enough that none completes, then measures
   * memory.
   */
  private ScenarioResult memory(Scenario scenario, BenchCluster cluster, Path stateDir) {
    int traces = options.memoryTraces();
    Duration quiet = options.memoryQuietWindow();
    Preload preload = preload(cluster, traces, 1);
    ScenarioResult.Builder result =
        new ScenarioResult.Builder(scenario).spans(preload.spans()).traces(traces);
    preload.describeInto(result);
    try (CompletedTraceReader reader =
        new CompletedTraceReader(
            cluster.bootstrapServers(), outputTopic(scenario), false, quiet.toMillis())) {
      MemorySnapshot before = MemorySnapshot.take();
      long startEpochMillis = System.currentTimeMillis();
      try (StreamUnderTest stream =
          StreamUnderTest.start(
              scenario.kind,
              quiet,
              Map.of(),
              options,
              cluster,
              applicationId(scenario),
              stateDir)) {
        boolean loaded =
            Pause.until(
                () -> {
                  stream.checkRunning();
                  return stream.bufferedTraces().orElse(traces) >= traces
                      && cluster.inputConsumed(stream.applicationId());
                },
                options.timeout(),
                200);
        if (!loaded) {
          throw new IllegalStateException(
              "Not all "
                  + traces
                  + " traces were in state within "
                  + options.timeout()
                  + " (buffered-traces gauge: "
                  + stream.bufferedTraces()
                  + ")");
        }
        long loadedEpochMillis = System.currentTimeMillis();
        MemorySnapshot after = MemorySnapshot.take();
        long buffered = stream.bufferedTraces().orElse(traces - reader.distinctTraces());
        result
            .rates(
                loadedEpochMillis - startEpochMillis,
                preload.spans() * 1000.0 / (loadedEpochMillis - startEpochMillis),
                Double.NaN)
            .bufferedTraces(buffered)
            .memory(before, after)
            .note(
                "duration: from starting the stream until all %,d spans were consumed and committed (%s),"
                    + " with nothing completing (quiet window %s)",
                preload.spans(),
                stream.bufferedTraces().isPresent()
                    ? "and the buffered-traces gauge read " + buffered
                    : "every session open",
                text(quiet))
            .note(
                "heap after System.gc() and RSS, before the stream started (broker and pre-loaded topic"
                    + " only): %,d MB heap, %,d MB RSS",
                mb(before.heapUsedBytes()), mb(before.rssBytes()))
            .note(
                "state directory on disk: %.1f MB (RocksDB keeps state off the Java heap; its memtables, which"
                    + " hold the newest writes before they reach disk, and its block caches count in RSS)",
                directoryBytes(stateDir) / (1024.0 * 1024.0))
            .note("traces emitted meanwhile: %,d", reader.distinctTraces());
      }
    }
    return result.build();
  }

  private static String outputTopic(Scenario scenario) {
    return scenario.kind == Scenario.Kind.TRACEFOLD
        ? Topics.COMPLETED_TRACES.name()
        : BaselineTopology.OUTPUT_TOPIC;
  }

  /** How the wait for the output ended. */
  private record Outcome(
      long inputConsumedEpochMillis, boolean timedOut, long expected, long emitted) {
    void describeInto(ScenarioResult.Builder result, Duration afterInputWait) {
      if (timedOut) {
        result.note("timed out: %,d of %,d traces emitted", emitted, expected);
      } else if (emitted < expected) {
        result.note(
            "%,d traces never emitted: input fully consumed, then %s of wall time granted",
            expected - emitted, text(afterInputWait));
      }
    }
  }

  /**
   * Waits until {@code expected} distinct traces were read, or the input was consumed and {@link
   * BenchOptions#afterInputWait()} passed since, or the timeout.
   */
  private Outcome awaitEmitted(
      StreamUnderTest stream, CompletedTraceReader reader, BenchCluster cluster, long expected) {
    long deadline = System.currentTimeMillis() + options.timeout().toMillis();
    long consumedAt = -1;
    long nextProgress = System.currentTimeMillis() + 5_000;
    while (true) {
      stream.checkRunning();
      reader.checkHealthy();
      long now = System.currentTimeMillis();
      if (now >= nextProgress) {
        log.info(
            "{}: {} of {} traces emitted, {} buffered",
            stream.applicationId(),
            reader.distinctTraces(),
            expected,
            stream.bufferedTraces().isPresent() ? stream.bufferedTraces().getAsLong() : "?");
        nextProgress = now + 5_000;
      }
      if (reader.distinctTraces() >= expected) {
        return new Outcome(
            consumedAt < 0 ? now : consumedAt, false, expected, reader.distinctTraces());
      }
      if (consumedAt < 0 && cluster.inputConsumed(stream.applicationId())) {
        consumedAt = now;
        log.info(
            "{}: input consumed, {} of {} traces emitted",
            stream.applicationId(),
            reader.distinctTraces(),
            expected);
      }
      if (consumedAt >= 0 && now - consumedAt >= options.afterInputWait().toMillis()) {
        return new Outcome(consumedAt, false, expected, reader.distinctTraces());
      }
      if (now > deadline) {
        return new Outcome(
            consumedAt < 0 ? now : consumedAt, true, expected, reader.distinctTraces());
      }
      Pause.millis(200);
    }
  }

  /** What {@link #preload} sent. */
  private record Preload(long spans, long bytes, long millis) {
    void describeInto(ScenarioResult.Builder result) {
      result.note(
          "pre-loaded %,d spans (%,d B encoded on average) in %.1f s (%,.0f spans/s) before the stream started",
          spans, bytes / Math.max(1, spans), seconds(millis), spans * 1000.0 / Math.max(1, millis));
    }
  }

  /** Sends {@code traces} traces of {@code spansPerTrace} spans, in waves of interleaved traces. */
  private Preload preload(BenchCluster cluster, int traces, int spansPerTrace) {
    return preload(cluster, traces, spansPerTrace, null);
  }

  /** The same, every trace in {@code projectId} (null: a few projects at random). */
  private Preload preload(BenchCluster cluster, int traces, int spansPerTrace, String projectId) {
    SpanFactory factory = new SpanFactory(traces);
    AtomicReference<Exception> failure = new AtomicReference<>();
    long started = System.nanoTime();
    long bytes = 0;
    BenchTrace[] wave = new BenchTrace[PRELOAD_WAVE_TRACES];
    try (KafkaProducer<byte[], byte[]> producer = cluster.newProducer("bench-preload")) {
      for (int first = 0; first < traces; first += wave.length) {
        int count = Math.min(wave.length, traces - first);
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < count; i++) {
          long startNanos = nowNanos - TimeUnit.SECONDS.toNanos(5);
          wave[i] =
              projectId == null
                  ? factory.newTrace(startNanos)
                  : factory.newTrace(projectId, startNanos);
        }
        for (int span = 0; span < spansPerTrace; span++) {
          for (int i = 0; i < count; i++) {
            byte[] value = factory.span(wave[i], span, spansPerTrace, nowNanos);
            bytes += value.length;
            producer.send(
                new ProducerRecord<>(
                    Topics.SPANS.name(),
                    null,
                    wave[i].key(),
                    value,
                    SpanFactory.headers(wave[i], span, spansPerTrace)),
                (metadata, error) -> {
                  if (error != null) {
                    failure.compareAndSet(null, error);
                  }
                });
          }
        }
        if (failure.get() != null) {
          break;
        }
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("Pre-loading spans failed: " + failure.get(), failure.get());
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    long spans = (long) traces * spansPerTrace;
    log.info("Pre-loaded {} spans in {} ms", spans, millis);
    return new Preload(spans, bytes, millis);
  }

  /** {@code 300ms}, {@code 5s}, {@code 30m}: as the options are written. */
  static String text(Duration duration) {
    long millis = duration.toMillis();
    if (millis >= 60_000 && millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  private static double seconds(long millis) {
    return millis / 1000.0;
  }

  private static long mb(long bytes) {
    return bytes < 0 ? -1 : bytes / (1024 * 1024);
  }

  private static long directoryBytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              file -> {
                try {
                  return Files.size(file);
                } catch (IOException e) {
                  return 0; // RocksDB may delete a file while we walk
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  static void deleteRecursively(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  log.warn("Cannot delete {}: {}", path, e.toString());
                }
              });
    } catch (IOException | UncheckedIOException e) {
      log.warn("Cannot delete {}: {}", dir, e.toString());
    }
  }
}

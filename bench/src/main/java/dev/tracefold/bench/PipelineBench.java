package dev.tracefold.bench;

import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.store.key.ProjectIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline end to end: one command, a Markdown report on standard output (logs go to
 * standard error).
 *
 * <p>The real {@code StandalonePipeline} (embedded KRaft broker, embedded PostgreSQL, gateway,
 * completion stream, rollup sink) runs in a child JVM ({@link PipelineProcess}) with the quiet
 * window of the options and rate limits off. {@link AgentLoad} plays agents behind OpenTelemetry
 * SDKs sending OTLP/HTTP protobuf to it with its development API key; {@link TraceLedger} records,
 * per trace, the acknowledged spans and every revision a {@code read_committed} consumer of {@code
 * tracefold.traces.completed} receives; {@link PipelineSampler} samples the child's RSS, CPU and
 * consumer lag; {@link StoreAudit} compares PostgreSQL with what the gateway acknowledged. See
 * {@link PipelineBenchOptions#usage()} for the settings, {@link PipelineBenchReport} for the
 * figures and bench/README.md for the command.
 *
 * <p>Exit status: 0 when the run produced figures, 1 when it failed, 2 for bad arguments.
 */
public final class PipelineBench {
  private static final Logger log = LoggerFactory.getLogger(PipelineBench.class);

  /** Every span goes to the development key's project. */
  static final String PROJECT = ProjectIds.DEFAULT;

  private PipelineBench() {}

  public static void main(String[] args) {
    BenchMain.run(
        args,
        PipelineBenchOptions::parse,
        PipelineBenchOptions::usage,
        options -> run(options).markdown());
  }

  /**
   * Starts the pipeline, runs the load, waits for every trace to be final and stored, audits the
   * store, and stops the pipeline; its data is deleted afterwards.
   *
   * @throws IllegalStateException if the pipeline does not start or the load cannot run
   */
  static PipelineBenchReport run(PipelineBenchOptions options) {
    Instant started = Instant.now();
    double loadAtStart = ReportSections.loadAverage();
    Path dir = workDir(options);
    PipelineBenchReport.Builder report =
        new PipelineBenchReport.Builder(options, started, loadAtStart);
    try (PipelineProcess pipeline = PipelineProcess.start(options, dir)) {
      long quietMillis = options.quietWindow().toMillis();
      TraceLedger ledger =
          new TraceLedger(
              options.maxTraces(), ThreadLocalRandom.current().nextLong(), PROJECT, quietMillis);
      try (CompletedTraceReader reader =
              new CompletedTraceReader(
                  pipeline.kafkaBootstrapServers(),
                  Topics.COMPLETED_TRACES.name(),
                  false,
                  quietMillis,
                  ledger);
          StoreAudit store = new StoreAudit(pipeline.storeSettings(), PROJECT)) {
        report.startRss(MemorySnapshot.rssBytes(pipeline.pid()));
        long benchCpuStart = CpuMeter.processCpuNanos(ProcessHandle.current());
        AtomicReference<AgentLoad> running = new AtomicReference<>();
        try (PipelineSampler sampler =
                new PipelineSampler(
                    pipeline.handle(),
                    pipeline.postgresPidFile(),
                    pipeline.metricsUri(),
                    () -> running.get() == null ? 0L : running.get().result().spansAcked(),
                    ledger,
                    options.sampleInterval());
            AgentLoad load =
                new AgentLoad(options, ledger, pipeline.otlpHttpUri(), pipeline.apiKey())) {
          running.set(load);
          log.info(
              "Load: {} agents, {} spans per trace {} apart, {}",
              options.agents(),
              options.spansPerTrace(),
              ScenarioRunner.text(options.spanGap()),
              options.timed()
                  ? "for " + ScenarioRunner.text(options.loadTime())
                  : options.traces() + " traces");
          if (!load.awaitFinished(loadLimitMillis(options))) {
            throw new IllegalStateException(
                "The load did not finish in time; sent so far: " + load.result());
          }
          AgentLoad.Result sent = load.result();
          report.load(
              sent,
              sampler.elapsedMillis(),
              CpuMeter.processCpuNanos(ProcessHandle.current()) - benchCpuStart);
          if (sent.spansAcked() == 0) {
            throw new IllegalStateException(
                "The gateway acknowledged no span; first failure: " + sent.firstFailure());
          }
          log.info(
              "Load done: {} traces, {} spans acknowledged ({} spans/s); waiting for completion",
              sent.tracesStarted(),
              sent.spansAcked(),
              Math.round(sent.ackedSpansPerSecond()));
          int traces = (int) sent.tracesStarted();
          awaitFinal(options, ledger, reader, traces, pipeline);
          report.storedAllEpochMillis(awaitStored(options, store, ledger, traces));
          report.audit(store.audit(ledger, traces));
          report.completion(
              PipelineBenchReport.Completion.of(
                  ledger, traces, quietMillis, reader.records(), ledger.foreignRecords()));
          sampler.close();
          report.samples(sampler.samples());
        }
      }
      return report.finish(Instant.now(), ReportSections.loadAverage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    } finally {
      ScenarioRunner.deleteRecursively(dir);
    }
  }

  /**
   * Waits until every trace's latest revision carries all its acknowledged spans, or the timeout.
   */
  private static void awaitFinal(
      PipelineBenchOptions options,
      TraceLedger ledger,
      CompletedTraceReader reader,
      int traces,
      PipelineProcess pipeline) {
    long deadline = System.currentTimeMillis() + options.timeout().toMillis();
    long nextLog = System.currentTimeMillis() + 10_000;
    int done = ledger.finalTraces(traces);
    while (done < traces && System.currentTimeMillis() < deadline) {
      reader.checkHealthy();
      if (!pipeline.isAlive()) {
        throw new IllegalStateException(
            "The pipeline's JVM died; its log ends with:\n"
                + PipelineProcess.tail(pipeline.logFile()));
      }
      Pause.millis(100);
      done = ledger.finalTraces(traces);
      if (System.currentTimeMillis() > nextLog) {
        log.info("{} of {} traces final on tracefold.traces.completed", done, traces);
        nextLog += 10_000;
      }
    }
    if (done < traces) {
      log.warn(
          "{} of {} traces final after the {} timeout",
          done,
          traces,
          ScenarioRunner.text(options.timeout()));
    }
  }

  /**
   * Waits until PostgreSQL holds every trace with acknowledged spans as complete with those spans
   * ({@link StoreAudit#confirmStored}), polling every 250 ms; gives up at the timeout or when no
   * trace was confirmed for max(10 s, 2 quiet windows).
   *
   * @return when it did, epoch ms; -1 if it did not
   */
  private static long awaitStored(
      PipelineBenchOptions options, StoreAudit store, TraceLedger ledger, int traces) {
    BitSet pending = new BitSet(traces);
    for (int t = 0; t < traces; t++) {
      if (ledger.ackedSpans(t) > 0) {
        pending.set(t);
      }
    }
    long deadline = System.currentTimeMillis() + options.timeout().toMillis();
    long stall = Math.max(10_000, 2 * options.quietWindow().toMillis());
    long lastChange = System.currentTimeMillis();
    while (System.currentTimeMillis() < deadline) {
      int confirmed = store.confirmStored(ledger, pending);
      if (pending.isEmpty()) {
        return System.currentTimeMillis();
      }
      if (confirmed > 0) {
        lastChange = System.currentTimeMillis();
      } else if (System.currentTimeMillis() - lastChange > stall) {
        log.warn(
            "{} of {} traces with acknowledged spans are not stored as complete with them;"
                + " none confirmed for {} ms",
            pending.cardinality(),
            traces,
            stall);
        return -1;
      }
      Pause.millis(250);
    }
    return -1;
  }

  private static long loadLimitMillis(PipelineBenchOptions options) {
    long expected =
        options.timed()
            ? options.loadTime().toMillis()
            : (long)
                (1000.0
                    * options.traces()
                    * options.spansPerTrace()
                    / options.offeredSpansPerSecond());
    return 3 * expected + options.timeout().toMillis();
  }

  private static Path workDir(PipelineBenchOptions options) {
    try {
      Files.createDirectories(options.workDir());
      return Files.createTempDirectory(options.workDir(), "pipeline-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory under " + options.workDir(), e);
    }
  }
}

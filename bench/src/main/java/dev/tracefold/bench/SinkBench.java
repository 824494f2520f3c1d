package dev.tracefold.bench;

import com.typesafe.config.ConfigFactory;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.sink.RollupSink;
import dev.tracefold.sink.SinkSettings;
import dev.tracefold.store.evaluation.RuleDefinition;
import dev.tracefold.store.evaluation.RuleTurn;
import dev.tracefold.store.evaluation.TraceSelection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollup sink benchmark: one command, a Markdown report on standard output (logs go to standard
 * error).
 *
 * <p>In this JVM: an in-process broker ({@link BenchCluster}) and an embedded PostgreSQL ({@link
 * BenchPostgres}). {@code --traces} agent traces of {@code --spans-per-trace} spans ({@link
 * SpanFactory}: GenAI attributes, tokens, costs, the root last), interleaved across {@code
 * --concurrent-traces} traces in flight, are pre-loaded on {@code tracefold.spans}; one evaluation
 * rule of turn every (no filter) is created per project. Then:
 *
 * <ol>
 *   <li><b>spans</b>: {@code --sinks} real {@link RollupSink}s start (sharing the partitions, as
 *       sinks on several machines would); measured until their span writers have committed every
 *       span, then checked in PostgreSQL (every span in {@code spans}, every trace row with the
 *       right {@code span_count});
 *   <li><b>completed</b>: the sinks stop, the same traces are pre-loaded as revision 1 {@code
 *       CompletedTrace} records on {@code tracefold.traces.completed}, new sinks start (the span
 *       group has nothing left to read) and are measured until their completed-trace writers have
 *       committed every revision, then checked (every trace {@code complete}, revision 1, one
 *       trigger each).
 * </ol>
 *
 * See {@link SinkBenchOptions#usage()} for the settings and bench/README.md for the command.
 *
 * <p>Exit status: 0 when both phases completed and checked out, 1 when the run failed, 2 for bad
 * arguments.
 */
public final class SinkBench {
  private static final Logger log = LoggerFactory.getLogger(SinkBench.class);
  private static final AvroSerde<Span> SPAN_SERDE = AvroSerde.of(Span.class);

  /** Simulated time between two spans of one trace ending. */
  private static final long SPAN_GAP_NANOS = 40_000_000L;

  private SinkBench() {}

  public static void main(String[] args) {
    BenchMain.run(
        args, SinkBenchOptions::parse, SinkBenchOptions::usage, options -> run(options).markdown());
  }

  /**
   * What one phase measured.
   *
   * @param items spans (or completed traces) the writer committed
   * @param fromStart from the sink's start until the writer committed the last one
   * @param firstToLast from the writer's first commit until its last (group join excluded)
   * @param writes store writes (one per database transaction)
   * @param meanWriteMillis mean duration of one store write, in milliseconds
   * @param maxWriteMillis longest store write, in milliseconds
   * @param jvmCpuNanos CPU time of this JVM (sinks, broker, JIT and GC) from the sinks' start until
   *     the last item, ns
   * @param postgresCpuNanos CPU time of PostgreSQL's processes over the same window, ns
   */
  record Phase(
      long items,
      Duration fromStart,
      Duration firstToLast,
      long writes,
      double meanWriteMillis,
      double maxWriteMillis,
      long jvmCpuNanos,
      long postgresCpuNanos) {
    /** The same figures with the CPU times of the phase. */
    Phase withCpu(long jvmNanos, long postgresNanos) {
      return new Phase(
          items,
          fromStart,
          firstToLast,
          writes,
          meanWriteMillis,
          maxWriteMillis,
          jvmNanos,
          postgresNanos);
    }

    /** CPU of this JVM per item, microseconds. */
    double jvmCpuMicrosPerItem() {
      return jvmCpuNanos / 1e3 / Math.max(1, items);
    }

    /** CPU of PostgreSQL per item, microseconds. */
    double postgresCpuMicrosPerItem() {
      return postgresCpuNanos / 1e3 / Math.max(1, items);
    }

    /** Items per second over {@link #fromStart}. */
    double perSecond() {
      return items / Math.max(1e-9, fromStart.toNanos() / 1e9);
    }

    /** Items per second over {@link #firstToLast}. */
    double perSecondSteady() {
      return items / Math.max(1e-9, firstToLast.toNanos() / 1e9);
    }
  }

  /**
   * Runs both phases on a fresh broker and PostgreSQL under the work directory (deleted
   * afterwards).
   *
   * @throws IllegalStateException if a phase does not finish within {@code --timeout} or the store
   *     does not hold what it should afterwards
   */
  static SinkBenchReport run(SinkBenchOptions options) {
    Instant started = Instant.now();
    double loadAtStart = ReportSections.loadAverage();
    Path dir = workDir(options);
    int poolSize = dev.tracefold.store.StoreSettings.from(ConfigFactory.load()).maximumPoolSize();
    try (BenchCluster cluster =
            BenchCluster.start(dir.resolve("kafka"), BenchCluster.sizing(options.partitions()));
        BenchPostgres postgres = BenchPostgres.start(dir.resolve("pg"), poolSize)) {
      List<List<byte[]>> traces = preloadSpans(options, cluster);
      TreeSet<String> projects = new TreeSet<>();
      for (List<byte[]> trace : traces) {
        projects.add(SPAN_SERDE.decode(trace.get(0)).getProjectId());
      }
      for (String project : projects) {
        postgres
            .store()
            .evaluationRules()
            .create(
                project,
                new RuleDefinition(
                    "every revision", true, TraceSelection.of(Map.of(), 100), RuleTurn.EVERY, 0));
      }
      SinkSettings settings = sinkSettings(options);
      Phase spans = phase("spans", options, settings, cluster, postgres, options.spans());
      checkSpans(postgres, options);
      preloadCompleted(traces, cluster);
      Phase completed = phase("completed", options, settings, cluster, postgres, options.traces());
      checkCompleted(postgres, options);
      return new SinkBenchReport(
          options,
          started,
          Instant.now(),
          loadAtStart,
          ReportSections.loadAverage(),
          poolSize,
          settings.completedWriteConcurrency(),
          spans,
          completed);
    } finally {
      ScenarioRunner.deleteRecursively(dir);
    }
  }

  /**
   * Produces every span, traces interleaved: each next span belongs to one of {@code
   * --concurrent-traces} traces in flight, picked at random; a trace that sent its root leaves the
   * flight and a new one takes its place.
   *
   * @return every trace's encoded spans, in the order sent
   */
  private static List<List<byte[]>> preloadSpans(SinkBenchOptions options, BenchCluster cluster) {
    SpanFactory factory = new SpanFactory(42);
    SplittableRandom random = new SplittableRandom(7);
    long baseNanos = System.currentTimeMillis() * 1_000_000L;
    int perTrace = options.spansPerTrace();
    List<List<byte[]>> done = new ArrayList<>(options.traces());
    List<SpanFactory.BenchTrace> flying = new ArrayList<>();
    List<List<byte[]>> flyingSpans = new ArrayList<>();
    int startedTraces = 0;
    long startNanos = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = cluster.newProducer("sink-bench-spans")) {
      while (startedTraces < options.traces() || !flying.isEmpty()) {
        while (flying.size() < options.concurrentTraces() && startedTraces < options.traces()) {
          SpanFactory.BenchTrace trace = factory.newTrace(baseNanos + startedTraces * 1_000_000L);
          while (rootIdCollides(trace, perTrace)) {
            trace = factory.newTrace(baseNanos + startedTraces * 1_000_000L);
          }
          flying.add(trace);
          flyingSpans.add(new ArrayList<>(perTrace));
          startedTraces++;
        }
        int slot = random.nextInt(flying.size());
        SpanFactory.BenchTrace trace = flying.get(slot);
        List<byte[]> sent = flyingSpans.get(slot);
        int index = sent.size();
        byte[] span =
            factory.span(
                trace, index, perTrace, trace.startEpochNanos() + (index + 1) * SPAN_GAP_NANOS);
        sent.add(span);
        producer.send(new ProducerRecord<>(Topics.SPANS.name(), trace.key(), span));
        if (sent.size() == perTrace) {
          done.add(sent);
          int last = flying.size() - 1;
          flying.set(slot, flying.get(last));
          flyingSpans.set(slot, flyingSpans.get(last));
          flying.remove(last);
          flyingSpans.remove(last);
        }
      }
      producer.flush();
    }
    log.info(
        "Pre-loaded {} spans of {} traces in {} ms",
        options.spans(),
        options.traces(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    return done;
  }

  /**
   * Whether a child's span id (the root's first 12 hex digits, then its index + 1 as 4 hex digits,
   * see {@link SpanFactory#span}) would equal the root's: the store would keep one span of the two.
   */
  private static boolean rootIdCollides(SpanFactory.BenchTrace trace, int spansPerTrace) {
    int tail = Integer.parseInt(trace.rootSpanId().substring(12), 16);
    return tail >= 1 && tail < spansPerTrace;
  }

  /** Produces revision 1 of every trace, with all its spans, as completion-stream would. */
  private static void preloadCompleted(List<List<byte[]>> traces, BenchCluster cluster) {
    AvroSerde<CompletedTrace> serde = AvroSerde.of(CompletedTrace.class);
    long startNanos = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = cluster.newProducer("sink-bench-completed")) {
      for (List<byte[]> encoded : traces) {
        List<Span> spans = new ArrayList<>(encoded.size());
        encoded.forEach(bytes -> spans.add(SPAN_SERDE.decode(bytes)));
        spans.sort(
            java.util.Comparator.comparingLong(Span::getStartEpochNanos)
                .thenComparing(Span::getSpanId));
        Span first = spans.get(0);
        long lastArrival = spans.stream().mapToLong(Span::getIngestedEpochMillis).max().orElse(0);
        CompletedTrace trace =
            CompletedTrace.newBuilder()
                .setProjectId(first.getProjectId())
                .setTraceId(first.getTraceId())
                .setRevision(1)
                .setCompletionReason(CompletionReason.QUIET)
                .setFirstArrivalEpochMillis(first.getIngestedEpochMillis())
                .setLastArrivalEpochMillis(lastArrival)
                .setCompletedEpochMillis(lastArrival + 300_000)
                .setRollup(TraceRollups.compute(first.getProjectId(), first.getTraceId(), spans))
                .setSpans(spans)
                .build();
        byte[] key =
            (first.getProjectId() + "/" + first.getTraceId())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        producer.send(
            new ProducerRecord<>(Topics.COMPLETED_TRACES.name(), key, serde.encode(trace)));
      }
      producer.flush();
    }
    log.info(
        "Pre-loaded {} completed traces in {} ms",
        traces.size(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }

  /**
   * Starts {@code --sinks} rollup sinks (fresh instance ids, the benchmark's groups), waits until
   * their {@code writer} has written {@code expected} items, and stops them.
   */
  private static Phase phase(
      String writer,
      SinkBenchOptions options,
      SinkSettings settings,
      BenchCluster cluster,
      BenchPostgres postgres,
      long expected) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<RollupSink> sinks = new ArrayList<>();
    PostgresProcesses postgresProcesses = postgres.processes();
    long jvmCpuAtStart = CpuMeter.processCpuNanos(ProcessHandle.current());
    long postgresCpuAtStart = postgresProcesses.cpuNanos();
    try {
      for (int i = 0; i < options.sinks(); i++) {
        sinks.add(
            RollupSink.start(
                settings.withInstanceId("bench-" + UUID.randomUUID()),
                cluster.kafka(),
                postgres.store(),
                registry));
      }
      Phase phase = awaitPhase(writer, registry, writer, expected, options.timeout());
      return phase.withCpu(
          CpuMeter.processCpuNanos(ProcessHandle.current()) - jvmCpuAtStart,
          postgresProcesses.cpuNanos() - postgresCpuAtStart);
    } finally {
      sinks.forEach(RollupSink::close);
    }
  }

  /** The sink's settings from its reference.conf, with the benchmark's batch sizes and groups. */
  private static SinkSettings sinkSettings(SinkBenchOptions options) {
    SinkSettings d = SinkSettings.from(ConfigFactory.load());
    return new SinkSettings(
        d.pollTimeout(),
        options.maxPollRecords(),
        d.spanBatchWait(),
        options.spanWriteConcurrency(),
        options.completedMaxPollRecords(),
        d.completedWriteConcurrency(),
        "sink-bench-spans",
        "sink-bench-traces",
        "sink-bench",
        "bench-" + UUID.randomUUID(),
        d.retryBackoff(),
        0,
        d.rulesRefreshInterval(),
        d.lastTurnPollInterval(),
        d.lastTurnBatchSize());
  }

  /**
   * Waits until the writer's counter ({@code tracefold.sink.<writer>.written}) reaches {@code
   * expected}, sampling it every 5 ms.
   */
  private static Phase awaitPhase(
      String phase, SimpleMeterRegistry registry, String writer, long expected, Duration timeout) {
    long startNanos = System.nanoTime();
    long deadline = startNanos + timeout.toNanos();
    Counter counter = registry.find("tracefold.sink." + writer + ".written").counter();
    long firstNanos = -1;
    long lastLogNanos = startNanos;
    while (counter == null || counter.count() < expected) {
      long now = System.nanoTime();
      if (now > deadline) {
        throw new IllegalStateException(
            "Phase "
                + phase
                + ": "
                + (counter == null ? 0 : (long) counter.count())
                + " of "
                + expected
                + " written after "
                + timeout);
      }
      if (counter == null) {
        counter = registry.find("tracefold.sink." + writer + ".written").counter();
      } else if (firstNanos < 0 && counter.count() > 0) {
        firstNanos = now;
      }
      if (now - lastLogNanos > 5_000_000_000L && counter != null) {
        log.info("Phase {}: {} of {} written", phase, (long) counter.count(), expected);
        lastLogNanos = now;
      }
      Pause.millis(5);
    }
    long endNanos = System.nanoTime();
    if (firstNanos < 0) {
      firstNanos = startNanos;
    }
    Timer writes = registry.find("tracefold.sink.write.latency").tag("writer", writer).timer();
    return new Phase(
        (long) counter.count(),
        Duration.ofNanos(endNanos - startNanos),
        Duration.ofNanos(endNanos - firstNanos),
        writes == null ? 0 : writes.count(),
        writes == null ? 0 : writes.mean(TimeUnit.MILLISECONDS),
        writes == null ? 0 : writes.max(TimeUnit.MILLISECONDS),
        0,
        0);
  }

  private static void checkSpans(BenchPostgres postgres, SinkBenchOptions options) {
    long[] counts =
        counts(
            postgres,
            "SELECT (SELECT count(*) FROM spans),"
                + " (SELECT count(*) FROM traces WHERE span_count = "
                + options.spansPerTrace()
                + " AND state = 'in_progress')");
    if (counts[0] != options.spans() || counts[1] != options.traces()) {
      throw new IllegalStateException(
          "After the spans phase the store holds "
              + counts[0]
              + " spans and "
              + counts[1]
              + " complete in-progress trace rows; expected "
              + options.spans()
              + " and "
              + options.traces());
    }
  }

  private static void checkCompleted(BenchPostgres postgres, SinkBenchOptions options) {
    long[] counts =
        counts(
            postgres,
            "SELECT (SELECT count(*) FROM traces WHERE state = 'complete' AND revision = 1"
                + " AND span_count = "
                + options.spansPerTrace()
                + "), (SELECT count(*) FROM fired_triggers), (SELECT count(*) FROM spans)");
    if (counts[0] != options.traces()
        || counts[1] != options.traces()
        || counts[2] != options.spans()) {
      throw new IllegalStateException(
          "After the completed phase the store holds "
              + counts[0]
              + " complete traces, "
              + counts[1]
              + " fired triggers and "
              + counts[2]
              + " spans; expected "
              + options.traces()
              + ", "
              + options.traces()
              + " and "
              + options.spans());
    }
  }

  private static long[] counts(BenchPostgres postgres, String sql) {
    var s = postgres.settings();
    try (Connection connection =
            DriverManager.getConnection(s.jdbcUrl(), s.username(), s.password());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      int columns = rows.getMetaData().getColumnCount();
      long[] counts = new long[columns];
      for (int i = 0; i < columns; i++) {
        counts[i] = rows.getLong(i + 1);
      }
      return counts;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot check the store: " + e.getMessage(), e);
    }
  }

  private static Path workDir(SinkBenchOptions options) {
    try {
      Files.createDirectories(options.workDir());
      return Files.createTempDirectory(options.workDir(), "sink-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory under " + options.workDir(), e);
    }
  }
}

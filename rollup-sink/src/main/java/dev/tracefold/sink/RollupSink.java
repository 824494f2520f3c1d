package dev.tracefold.sink;

import dev.tracefold.service.HealthCheck;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.store.TraceStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollup sink: a {@link SpanWriter} ({@code tracefold.spans} → spans and in-progress rollups),
 * a {@link CompletedTraceWriter} ({@code tracefold.traces.completed} → completed rollups, fired
 * triggers, annotation queue items and {@code tracefold.evaluation.triggers}) and a {@link
 * LastTurnScheduler} (due triggers of turn-last rules → {@code tracefold.evaluation.triggers}),
 * each on its own thread ({@code tracefold-sink-spans}, {@code tracefold-sink-traces}, {@code
 * tracefold-sink-last-turn}), judging traces against the rules and queues of a {@link RuleCache}.
 *
 * <p>Workers never crash the process: a failing batch is retried, a fatal error stops that worker,
 * and {@link #healthChecks()} report both.
 *
 * <p>Thread-safe; {@link #close()} is idempotent. The sink does not own the store: close the store
 * after the sink.
 */
public final class RollupSink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RollupSink.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(90);

  private final TraceStore store;
  private final SpanWriter spanWriter;
  private final CompletedTraceWriter completedTraceWriter;
  private final LastTurnScheduler lastTurnScheduler;
  private final RuleCache rules;
  private final Thread spanThread;
  private final Thread completedThread;
  private final Thread lastTurnThread;
  private final Object closeLock = new Object();
  private boolean closed; // guarded by closeLock

  private RollupSink(
      TraceStore store,
      SpanWriter spanWriter,
      CompletedTraceWriter completedTraceWriter,
      LastTurnScheduler lastTurnScheduler,
      RuleCache rules) {
    this.store = store;
    this.spanWriter = spanWriter;
    this.completedTraceWriter = completedTraceWriter;
    this.lastTurnScheduler = lastTurnScheduler;
    this.rules = rules;
    this.spanThread = new Thread(spanWriter, "tracefold-sink-spans");
    this.completedThread = new Thread(completedTraceWriter, "tracefold-sink-traces");
    this.lastTurnThread = new Thread(lastTurnScheduler, "tracefold-sink-last-turn");
  }

  /**
   * Creates the Kafka clients and starts both workers. Returns at once; the consumers join their
   * groups in the background.
   *
   * @param settings sink settings
   * @param kafka Kafka bootstrap servers (topics must exist: see {@code TopicProvisioner})
   * @param store an open store; the caller closes it after the sink
   * @param registry where the {@code tracefold.sink.*} meters are registered
   * @throws org.apache.kafka.common.KafkaException if a Kafka client cannot be created (e.g. an
   *     unresolvable bootstrap address)
   */
  public static RollupSink start(
      SinkSettings settings, KafkaSettings kafka, TraceStore store, MeterRegistry registry) {
    return start(settings, kafka, store, registry, CrashPoints.NONE);
  }

  /** {@link #start(SinkSettings, KafkaSettings, TraceStore, MeterRegistry)} with a crash hook. */
  static RollupSink start(
      SinkSettings settings,
      KafkaSettings kafka,
      TraceStore store,
      MeterRegistry registry,
      CrashPoints crashPoints) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(registry, "registry");
    SinkMetrics metrics = new SinkMetrics(registry);
    Clock clock = Clock.systemUTC();
    RuleCache rules = new RuleCache(store, settings.rulesRefreshInterval(), clock);
    SpanWriter spans = new SpanWriter(settings, kafka, store, metrics);
    CompletedTraceWriter completed;
    try {
      completed =
          new CompletedTraceWriter(
              settings,
              kafka,
              store,
              metrics,
              new RuleEvaluator(rules, metrics, clock),
              crashPoints);
    } catch (RuntimeException e) {
      spans.closeClients();
      throw e;
    }
    LastTurnScheduler lastTurn =
        new LastTurnScheduler(
            settings, kafka, store.pendingTriggers(), rules, metrics, clock, crashPoints);
    metrics.pendingTriggers(
        () -> {
          try {
            return store.pendingTriggers().countWaiting();
          } catch (RuntimeException e) {
            return Double.NaN;
          }
        });
    RollupSink sink = new RollupSink(store, spans, completed, lastTurn, rules);
    rules.start();
    sink.spanThread.start();
    sink.completedThread.start();
    sink.lastTurnThread.start();
    log.info(
        "Rollup sink started (instance {}, transactional.id {}, groups {} and {})",
        settings.instanceId(),
        settings.transactionalId(),
        settings.spansGroupId(),
        settings.tracesGroupId());
    return sink;
  }

  /**
   * Health checks for {@code /health}: {@code rollup-sink-spans}, {@code rollup-sink-traces} and
   * {@code rollup-sink-last-turn} (the worker is running and its last batch or round succeeded) and
   * {@code store} (PostgreSQL answers).
   */
  public List<HealthCheck> healthChecks() {
    return List.of(
        check("rollup-sink-spans", () -> spanWriter.status().result(spanThread.isAlive())),
        check(
            "rollup-sink-traces",
            () -> completedTraceWriter.status().result(completedThread.isAlive())),
        check(
            "rollup-sink-last-turn",
            () -> lastTurnScheduler.status().result(lastTurnThread.isAlive())),
        check(
            "store",
            () -> {
              try {
                store.ping();
                return HealthCheck.Result.up("reachable");
              } catch (RuntimeException e) {
                return HealthCheck.Result.down(e.getMessage());
              }
            }));
  }

  /**
   * Stops the workers (wakes their consumers up) and waits for their threads to finish, up to 90 s
   * each. Idempotent; does not close the store.
   */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    spanWriter.close();
    completedTraceWriter.close();
    lastTurnScheduler.close();
    join(spanThread);
    join(completedThread);
    join(lastTurnThread);
    rules.close();
    log.info("Rollup sink stopped");
  }

  private static void join(Thread thread) {
    try {
      thread.join(JOIN_TIMEOUT.toMillis());
      if (thread.isAlive()) {
        log.warn("Thread {} did not stop within {}", thread.getName(), JOIN_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static HealthCheck check(String name, Supplier<HealthCheck.Result> check) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Result check() {
        return check.get();
      }
    };
  }
}

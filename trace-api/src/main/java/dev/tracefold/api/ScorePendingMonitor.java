package dev.tracefold.api;

import dev.tracefold.store.TraceStore;
import dev.tracefold.store.evaluation.ScoreStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code tracefold.scores.pending.triggers} (Prometheus {@code
 * tracefold_scores_pending_triggers}): the evaluation triggers that no score has answered although
 * they fired more than {@link ApiSettings#scorePendingAge()} ago (and less than that plus {@link
 * #LOOKBACK}), of rules whose triggers some score has answered before, counted up to {@value
 * #COUNT_LIMIT} ({@link ScoreStore#countUnansweredTriggers}). Above zero, an evaluator has stopped
 * answering or falls behind. Rules that no evaluator answers with scores (annotations only, or no
 * evaluator) never count, so they do not hold the gauge up.
 *
 * <p>The count is a database query, run every {@link #INTERVAL} on its own daemon thread ({@code
 * tracefold-score-pending}) rather than per scrape; the gauge shows the latest result, NaN before
 * the first one and while the database fails (logged once per failure streak). Thread-safe.
 */
public final class ScorePendingMonitor implements AutoCloseable {
  /** How far back beyond the age triggers are counted. */
  public static final Duration LOOKBACK = Duration.ofHours(24);

  /** Time between two counts. */
  public static final Duration INTERVAL = Duration.ofSeconds(30);

  /** Most triggers counted. */
  public static final int COUNT_LIMIT = 10_000;

  private static final Logger log = LoggerFactory.getLogger(ScorePendingMonitor.class);

  private final ScoreStore scores;
  private final Duration age;
  private final Clock clock;
  private volatile double pending = Double.NaN;
  private volatile boolean failing;
  private volatile ScheduledExecutorService scheduler;

  /**
   * A monitor that counts only when {@link #refresh()} is called.
   *
   * @param store whose triggers and scores to count; stays owned by the caller
   * @param registry where the gauge goes
   * @param clock what "now" is
   */
  public ScorePendingMonitor(
      TraceStore store, MeterRegistry registry, ApiSettings settings, Clock clock) {
    this.scores = Objects.requireNonNull(store, "store").scores();
    this.age = Objects.requireNonNull(settings, "settings").scorePendingAge();
    this.clock = Objects.requireNonNull(clock, "clock");
    Gauge.builder("tracefold.scores.pending.triggers", this, m -> m.pending)
        .description(
            "Evaluation triggers no score answers although they fired more than the pending age"
                + " ago")
        .strongReference(true)
        .register(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * A monitor on the system clock that counts now and then every {@link #INTERVAL}, until closed.
   */
  public static ScorePendingMonitor start(
      TraceStore store, MeterRegistry registry, ApiSettings settings) {
    ScorePendingMonitor monitor =
        new ScorePendingMonitor(store, registry, settings, Clock.systemUTC());
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "tracefold-score-pending");
              thread.setDaemon(true);
              return thread;
            });
    monitor.scheduler = scheduler;
    scheduler.scheduleWithFixedDelay(
        monitor::refreshQuietly, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return monitor;
  }

  /**
   * Counts now and updates the gauge.
   *
   * @return the count
   * @throws dev.tracefold.store.TraceStoreException if the database fails (the gauge shows NaN)
   */
  public long refresh() {
    Instant before = clock.instant().minus(age);
    try {
      long count = scores.countUnansweredTriggers(before.minus(LOOKBACK), before, COUNT_LIMIT);
      pending = count;
      return count;
    } catch (RuntimeException e) {
      pending = Double.NaN;
      throw e;
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
      failing = false;
    } catch (RuntimeException e) {
      if (!failing) {
        log.warn("Cannot count the triggers waiting for a score; retrying: {}", e.toString());
      }
      failing = true;
    }
  }

  /** Stops counting. Idempotent. */
  @Override
  public void close() {
    ScheduledExecutorService current = scheduler;
    if (current != null) {
      current.shutdownNow();
    }
  }
}

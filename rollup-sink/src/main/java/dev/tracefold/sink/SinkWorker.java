package dev.tracefold.sink;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop every sink worker runs on its own thread: {@link #start()}, then {@link #cycle()} until
 * {@link #close()}. A cycle that throws is counted, reported ({@link #status()}: retrying), logged
 * (the first failure with its stack trace, repeats in one line), undone by {@link #afterFailure}
 * and retried after {@code retryBackoff}; the first cycle that succeeds again logs the recovery. A
 * failure {@link #isFatal} stops the worker (status failed, logged as an error), as does any {@link
 * Error} (a crash point in tests). A {@link WakeupException} ends the worker quietly when {@link
 * #close()} caused it, else as a failure. {@link #stop()} runs last, whatever ended the loop.
 *
 * <p>Thread-safety: {@link #run()} runs on one thread; {@link #close()} may be called from any.
 */
abstract class SinkWorker implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SinkWorker.class);

  private final String name;
  private final Duration retryBackoff;
  private final Runnable countFailure;
  private final WorkerStatus status = new WorkerStatus();
  private final CountDownLatch closing = new CountDownLatch(1);
  private int failures; // consecutive failed cycles; only touched by the worker thread

  /**
   * @param name what the worker is called in logs ("Span writer")
   * @param retryBackoff pause after a failed cycle
   * @param countFailure counts a failed cycle (a meter)
   */
  SinkWorker(String name, Duration retryBackoff, Runnable countFailure) {
    this.name = name;
    this.retryBackoff = retryBackoff;
    this.countFailure = countFailure;
  }

  /** Before the first cycle (e.g. subscribe); a failure here stops the worker. */
  void start() {}

  /**
   * One cycle of work: poll and store, or one round.
   *
   * @return how long to wait before the next cycle ({@link Duration#ZERO}: none)
   */
  abstract Duration cycle() throws InterruptedException;

  /**
   * Undoes what a failed cycle left behind (rewind the consumer, abort or replace a producer)
   * before the pause; a fatal failure thrown here stops the worker.
   */
  abstract void afterFailure(RuntimeException failure);

  /** Whether a failure can never be retried with success; none by default. */
  boolean isFatal(RuntimeException failure) {
    return false;
  }

  /** Releases the worker's clients; runs once, on the worker thread, when the loop ends. */
  abstract void stop();

  /** Wakes a cycle blocked in a poll; called by {@link #close()}. None by default. */
  void wakeup() {}

  WorkerStatus status() {
    return status;
  }

  @Override
  public final void run() {
    try {
      start();
      status.running();
      while (closing.getCount() > 0) {
        Duration pause;
        try {
          pause = cycle();
          if (failures > 0) {
            log.info("{} recovered after {} failed attempts", name, failures);
            failures = 0;
          }
          status.running();
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          if (isFatal(e)) {
            throw e;
          }
          countFailure.run();
          status.retrying(e);
          if (failures++ == 0) {
            log.warn("{} failed; retrying every {}", name, retryBackoff, e);
          } else {
            log.warn("{} failed again (attempt {}): {}", name, failures, e.toString());
          }
          afterFailure(e);
          pause = retryBackoff;
        }
        if (!pause.isZero()) {
          closing.await(pause.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (WakeupException e) {
      if (closing.getCount() > 0) {
        status.failed(e);
        log.error("{} woken up unexpectedly; stopping", name, e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      status.failed(e);
      log.error("{} stopped by a fatal error", name, e);
    } finally {
      stop();
      status.stopped();
    }
  }

  /** Whether {@link #close()} was called. */
  boolean closing() {
    return closing.getCount() == 0;
  }

  /** Stops the worker: ends the loop after the current cycle, waking a blocked poll up. */
  @Override
  public final void close() {
    closing.countDown();
    wakeup();
  }
}

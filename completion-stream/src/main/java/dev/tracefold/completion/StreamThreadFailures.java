package dev.tracefold.completion;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The stream threads Kafka Streams replaced after an uncaught error, for {@code /health} and the
 * counter {@code tracefold.completion.thread.failures}. A thread that fails once (a broker hiccup)
 * is replaced and carries on; one that fails again and again on the same record (a poison record, a
 * full disk) holds its partitions back while Kafka Streams still reports RUNNING: {@link
 * #failing()} says so once {@link #FAILING_COUNT} failures fall within {@link #FAILING_WINDOW}.
 * Thread-safe.
 */
final class StreamThreadFailures {
  /** How many failures within {@link #FAILING_WINDOW} make the stream unhealthy. */
  static final int FAILING_COUNT = 2;

  /** The window failures are counted in: 5 minutes. */
  static final Duration FAILING_WINDOW = Duration.ofMinutes(5);

  private static final int MESSAGE_CHARS = 300;

  private final Clock clock;
  private final Counter counter;
  private final Deque<Long> recentEpochMillis = new ArrayDeque<>(); // guarded by this
  private String lastError = ""; // guarded by this

  StreamThreadFailures(MeterRegistry registry, Clock clock) {
    this.clock = clock;
    this.counter =
        Counter.builder("tracefold.completion.thread.failures")
            .description("Stream threads replaced after an uncaught error")
            .register(registry);
  }

  /** Records a failed thread and its error. */
  synchronized void failed(Throwable error) {
    counter.increment();
    recentEpochMillis.addLast(clock.millis());
    String text = error.getClass().getSimpleName() + ": " + error.getMessage();
    lastError = text.length() > MESSAGE_CHARS ? text.substring(0, MESSAGE_CHARS) + "…" : text;
    forgetOld();
  }

  /**
   * Why the stream is failing: how often and the last error, when at least {@link #FAILING_COUNT}
   * threads failed within {@link #FAILING_WINDOW}; else null.
   */
  synchronized String failing() {
    forgetOld();
    if (recentEpochMillis.size() < FAILING_COUNT) {
      return null;
    }
    return "stream threads failed "
        + recentEpochMillis.size()
        + " times in "
        + FAILING_WINDOW.toMinutes()
        + " minutes; last: "
        + lastError;
  }

  private void forgetOld() {
    long oldest = clock.millis() - FAILING_WINDOW.toMillis();
    while (!recentEpochMillis.isEmpty() && recentEpochMillis.peekFirst() < oldest) {
      recentEpochMillis.removeFirst();
    }
  }
}

package dev.tracefold.bench;

import dev.tracefold.bench.SpanFactory.BenchTrace;
import dev.tracefold.schemas.topic.Topics;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers a steady load on {@code tracefold.spans} from its own thread: a new trace every {@code
 * spansPerTrace / spansPerSecond} seconds, and span {@code i} of each trace {@code i x spanGap}
 * after its first, so {@code spansPerSecond} spans/s go out once the first traces are complete,
 * spread over {@code spansPerSecond / spansPerTrace x (spansPerTrace - 1) x spanGap} concurrent
 * traces. Sends follow a schedule, not the previous send: if the thread falls behind it catches up
 * in a burst, and {@link #maxSendDelayMillis()} says by how much it was late.
 *
 * <p>{@link #stopNewTraces()} ends the load: traces already started still get their remaining
 * spans, then the thread ends. Counters are thread-safe.
 */
final class PacedSpanProducer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PacedSpanProducer.class);

  private record Pending(BenchTrace trace, int index, long dueNanos) {}

  private final Producer<byte[], byte[]> producer;
  private final SpanFactory factory;
  private final int spansPerTrace;
  private final long traceIntervalNanos;
  private final long spanGapNanos;
  private final Thread thread;
  private final AtomicLong spansSent = new AtomicLong();
  private final AtomicLong tracesStarted = new AtomicLong();
  private final AtomicLong maxSendDelayNanos = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopNewTraces;
  private volatile boolean abort;

  /**
   * Starts sending.
   *
   * @param producer where the spans go; not closed here
   * @param spansPerSecond the steady rate
   * @param spansPerTrace spans of each trace
   * @param spanGapNanos wall-clock gap between two spans of a trace
   */
  PacedSpanProducer(
      Producer<byte[], byte[]> producer,
      SpanFactory factory,
      int spansPerSecond,
      int spansPerTrace,
      long spanGapNanos) {
    this.producer = producer;
    this.factory = factory;
    this.spansPerTrace = spansPerTrace;
    this.traceIntervalNanos = Math.max(1, TimeUnit.SECONDS.toNanos(spansPerTrace) / spansPerSecond);
    this.spanGapNanos = spanGapNanos;
    this.thread = new Thread(this::run, "bench-paced-producer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    PriorityQueue<Pending> pending =
        new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
    long nextTraceNanos = System.nanoTime();
    try {
      while (!abort) {
        long now = System.nanoTime();
        while (!stopNewTraces && nextTraceNanos <= now) {
          BenchTrace trace = factory.newTrace(System.currentTimeMillis() * 1_000_000L);
          pending.add(new Pending(trace, 0, nextTraceNanos));
          tracesStarted.incrementAndGet();
          nextTraceNanos += traceIntervalNanos;
        }
        while (!pending.isEmpty() && pending.peek().dueNanos <= now) {
          Pending due = pending.poll();
          maxSendDelayNanos.accumulateAndGet(now - due.dueNanos, Math::max);
          send(due);
          if (due.index + 1 < spansPerTrace) {
            pending.add(new Pending(due.trace, due.index + 1, due.dueNanos + spanGapNanos));
          }
        }
        if (stopNewTraces && pending.isEmpty()) {
          break;
        }
        long next = pending.isEmpty() ? nextTraceNanos : pending.peek().dueNanos;
        if (!stopNewTraces) {
          next = Math.min(next, nextTraceNanos);
        }
        long waitNanos = Math.min(next - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(5));
        if (waitNanos > 0) {
          LockSupport.parkNanos(waitNanos);
        }
      }
      producer.flush();
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
      log.error("Paced producer failed", e);
    } finally {
      finished.countDown();
    }
  }

  private void send(Pending due) {
    byte[] value =
        factory.span(due.trace, due.index, spansPerTrace, System.currentTimeMillis() * 1_000_000L);
    producer.send(
        new ProducerRecord<>(
            Topics.SPANS.name(),
            null,
            due.trace.key(),
            value,
            SpanFactory.headers(due.trace, due.index, spansPerTrace)),
        (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
    spansSent.incrementAndGet();
  }

  /** Starts no more traces; those started get their remaining spans. */
  void stopNewTraces() {
    stopNewTraces = true;
  }

  /**
   * Waits until every started trace got all its spans and the producer was flushed.
   *
   * @return false if that did not happen within {@code timeoutMillis}
   */
  boolean awaitFinished(long timeoutMillis) throws InterruptedException {
    return finished.await(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  long spansSent() {
    return spansSent.get();
  }

  long tracesStarted() {
    return tracesStarted.get();
  }

  /** How late the latest-sent span was against its schedule, at worst, ms. */
  long maxSendDelayMillis() {
    return TimeUnit.NANOSECONDS.toMillis(maxSendDelayNanos.get());
  }

  /** Throws if a send failed. */
  void checkHealthy() {
    Exception error = failure.get();
    if (error != null) {
      throw new IllegalStateException("Producing spans failed: " + error, error);
    }
  }

  /** Stops at once, even with traces half sent, and joins the thread. */
  @Override
  public void close() {
    abort = true;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

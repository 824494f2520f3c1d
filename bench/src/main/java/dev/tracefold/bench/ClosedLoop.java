package dev.tracefold.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closed-loop load: N client threads ({@code bench-client-<i>}), each sending its next request as
 * soon as the previous one answered, through a warm-up and then a measured window of fixed length.
 * A request counts when it completes inside the window: requests/s and items/s are over the window,
 * latencies (µs) are those of the counted requests. Used by one thread at a time; requests still in
 * flight when the window closes are awaited, not counted.
 */
final class ClosedLoop {
  private static final Logger log = LoggerFactory.getLogger(ClosedLoop.class);

  /** Sends one request; called from the client threads concurrently. */
  @FunctionalInterface
  interface Request {
    /**
     * @param client the client's index, 0..clients-1
     * @param sequence the client's request number, from 0
     * @return what came back
     * @throws Exception a transport failure, counted as failed
     */
    Outcome send(int client, long sequence) throws Exception;
  }

  /** Hooks at the window's edges (e.g. CPU snapshots), called on the thread that runs the loop. */
  interface Window {
    void started();

    void ended();
  }

  /**
   * What one request got back.
   *
   * @param ok whether it counts as successful
   * @param items what it carried that counts when ok (spans accepted; 0 where nothing is counted)
   * @param failure why it is not ok (status and message), null when ok
   */
  record Outcome(boolean ok, long items, String failure) {
    static Outcome ok(long items) {
      return new Outcome(true, items, null);
    }

    static Outcome failed(String failure) {
      return new Outcome(false, 0, failure);
    }
  }

  /**
   * The figures of the measured window.
   *
   * @param clients concurrent clients
   * @param windowNanos length of the window, ns
   * @param requests requests completed in the window
   * @param ok of those, the successful ones
   * @param items items of the successful ones
   * @param firstFailure the first failure seen in the whole run (warm-up included), null if none
   * @param failuresAll failed requests in the whole run
   * @param latencyMicros latencies of the requests completed in the window (all, failed ones too),
   *     µs
   */
  record Result(
      int clients,
      long windowNanos,
      long requests,
      long ok,
      long items,
      String firstFailure,
      long failuresAll,
      LatencySamples latencyMicros) {
    /** Successful requests per second of the window. */
    double requestsPerSecond() {
      return ok * 1e9 / windowNanos;
    }

    /** Items of successful requests per second of the window. */
    double itemsPerSecond() {
      return items * 1e9 / windowNanos;
    }

    /** p50, p95, p99 and max latency, ms. */
    double[] latencyMillis() {
      long[] micros = latencyMicros.percentiles(0.50, 0.95, 0.99, 1.0);
      double[] millis = new double[micros.length];
      for (int i = 0; i < micros.length; i++) {
        millis[i] = micros[i] / 1000.0;
      }
      return millis;
    }

    /** "p50 / p99 / max" ms with one decimal. */
    String p50p99max() {
      double[] ms = latencyMillis();
      return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", ms[0], ms[2], ms[3]);
    }
  }

  private ClosedLoop() {}

  /**
   * Runs the load and returns the window's figures; same as {@link #run(String, int, Duration,
   * Duration, int, Duration, Request, Window)} with no minimum of requests.
   */
  static Result run(
      String name, int clients, Duration warmup, Duration window, Request request, Window edges) {
    return run(name, clients, warmup, window, 0, window, request, edges);
  }

  /**
   * Runs the load and returns the window's figures. The window lasts {@code window}, longer if
   * fewer than {@code minRequests} requests completed in it by then: until they did, or {@code
   * maxWindow} passed.
   *
   * @param name what is loaded, for the logs
   * @param clients concurrent clients, at least 1
   * @param warmup time before the window opens
   * @param window length of the measured window
   * @param minRequests requests the window should hold (slow requests stretch it)
   * @param maxWindow the longest the window is stretched to
   * @param request what each client sends
   * @param edges called when the window opens and closes
   * @throws IllegalStateException if a client does not stop within a minute of the window's end
   */
  static Result run(
      String name,
      int clients,
      Duration warmup,
      Duration window,
      int minRequests,
      Duration maxWindow,
      Request request,
      Window edges) {
    LatencySamples latencies = new LatencySamples();
    AtomicLong requests = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong items = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    AtomicBoolean open = new AtomicBoolean();
    AtomicBoolean closed = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int client = i;
      Thread thread =
          new Thread(
              () -> {
                for (long sequence = 0; !closed.get(); sequence++) {
                  long sent = System.nanoTime();
                  Outcome outcome;
                  try {
                    outcome = request.send(client, sequence);
                  } catch (Exception e) {
                    outcome = Outcome.failed(e.toString());
                  }
                  long done = System.nanoTime();
                  if (!outcome.ok()) {
                    failures.incrementAndGet();
                    if (firstFailure.compareAndSet(null, outcome.failure())) {
                      log.warn("{}: request failed: {}", name, outcome.failure());
                    }
                  }
                  if (open.get() && !closed.get()) {
                    requests.incrementAndGet();
                    latencies.add(TimeUnit.NANOSECONDS.toMicros(done - sent));
                    if (outcome.ok()) {
                      ok.incrementAndGet();
                      items.addAndGet(outcome.items());
                    }
                  }
                }
              },
              "bench-client-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    Pause.millis(warmup.toMillis());
    edges.started();
    long windowStart = System.nanoTime();
    open.set(true);
    log.info("{}: warm-up done, measuring for {}", name, ScenarioRunner.text(window));
    Pause.millis(window.toMillis());
    long stretchUntil = windowStart + Math.max(window.toNanos(), maxWindow.toNanos());
    while (requests.get() < minRequests && System.nanoTime() < stretchUntil) {
      Pause.millis(20);
    }
    closed.set(true);
    long windowNanos = System.nanoTime() - windowStart;
    edges.ended();
    for (Thread thread : threads) {
      try {
        thread.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted", e);
      }
      if (thread.isAlive()) {
        throw new IllegalStateException(
            name + ": client " + thread.getName() + " did not stop within 60 s");
      }
    }
    log.info(
        "{}: {} requests in the {} ms window, {} ok",
        name,
        requests.get(),
        TimeUnit.NANOSECONDS.toMillis(windowNanos),
        ok.get());
    return new Result(
        clients,
        windowNanos,
        requests.get(),
        ok.get(),
        items.get(),
        firstFailure.get(),
        failures.get(),
        latencies);
  }
}

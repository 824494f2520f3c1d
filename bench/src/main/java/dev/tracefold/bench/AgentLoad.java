package dev.tracefold.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PipelineBench}'s load: agents behind OpenTelemetry SDKs, sending OTLP/HTTP protobuf.
 *
 * <p><b>Agents</b> (one scheduling thread, {@code bench-agents}): each runs one trace at a time
 * ({@link OtlpRequestFactory#agentTrace}: children first, root last, one span every {@code
 * --span-gap}) and, when a span is due, hands it to the exporters' queue, as an SDK's {@code
 * BatchSpanProcessor} gets a span when it ends. Without a rate, an agent starts its next trace one
 * gap after its last span (the agents start spread over one trace period); with {@code
 * --spans-per-second}, traces start at a fixed pace on whichever agent is idle. Sends follow the
 * schedule: a late thread catches up, and the lateness is reported.
 *
 * <p><b>Exporters</b> ({@code --exporters} threads, {@code bench-exporter-<i>}): each takes up to
 * {@code --batch-size} spans from the shared queue, waiting at most {@code --export-delay} since
 * its previous export, and POSTs them as one request, so the spans of many traces interleave in
 * every request. 429 and 503 are retried after their {@code Retry-After} (seconds), transport
 * errors after 1 s, up to 2 minutes (or the retry budget given) per request; any other answer fails
 * the request (its spans are not acknowledged). A full queue (2,048 spans per exporter, the SDK's
 * default queue per process) blocks the agents instead of dropping spans, and the time blocked is
 * reported.
 *
 * <p>Counters are thread-safe.
 */
final class AgentLoad implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentLoad.class);
  private static final int QUEUE_PER_EXPORTER = 2_048;

  /** How long a request is retried by default: 2 minutes. */
  static final Duration RETRY_BUDGET = Duration.ofMinutes(2);

  private record Queued(int trace, Span span) {}

  /** A span due ({@code index >= 0}), or an agent's next trace due ({@code index < 0}). */
  private record Step(long dueNanos, int agent, int trace, int index, List<Span> spans) {}

  /**
   * The load's figures so far.
   *
   * @param tracesStarted traces started
   * @param spansQueued spans handed to the exporters
   * @param spansAcked spans in requests answered 200 without rejected spans
   * @param spansFailed spans of requests that failed for good
   * @param requestsOk requests answered 200
   * @param retried429 answers 429 (retried)
   * @param retried503 answers 503 (retried)
   * @param retriedTransport transport failures (retried)
   * @param firstFailure the first failure, null if none
   * @param firstSendEpochMillis when the first request was sent (-1 before)
   * @param lastAckEpochMillis when the latest 200 arrived (-1 before)
   * @param maxLatenessMillis how late a span reached the queue against its schedule, at worst
   * @param blockedMillis total time the agents waited for room in the queue
   * @param latencyMicros request latency of the 200 answers (send to answer, retries excluded), µs
   */
  record Result(
      long tracesStarted,
      long spansQueued,
      long spansAcked,
      long spansFailed,
      long requestsOk,
      long retried429,
      long retried503,
      long retriedTransport,
      String firstFailure,
      long firstSendEpochMillis,
      long lastAckEpochMillis,
      long maxLatenessMillis,
      long blockedMillis,
      LatencySamples latencyMicros) {
    /** Acknowledged spans per second from the first send to the last acknowledgement. */
    double ackedSpansPerSecond() {
      long millis = lastAckEpochMillis - firstSendEpochMillis;
      return millis <= 0 ? 0 : spansAcked * 1000.0 / millis;
    }

    /** Spans per acknowledged request. */
    double spansPerRequest() {
      return requestsOk == 0 ? 0 : (double) spansAcked / requestsOk;
    }
  }

  private final PipelineBenchOptions options;
  private final long retryBudgetNanos;
  private final TraceLedger ledger;
  private final List<URI> uris;
  private final String apiKey;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final BlockingQueue<Queued> queue;
  private final OtlpRequestFactory factory = new OtlpRequestFactory(7);
  private final Thread scheduler;
  private final List<Thread> exporters = new ArrayList<>();
  private final AtomicLong tracesStarted = new AtomicLong();
  private final AtomicLong spansQueued = new AtomicLong();
  private final AtomicLong spansAcked = new AtomicLong();
  private final AtomicLong spansFailed = new AtomicLong();
  private final AtomicLong requestsOk = new AtomicLong();
  private final AtomicLong retried429 = new AtomicLong();
  private final AtomicLong retried503 = new AtomicLong();
  private final AtomicLong retriedTransport = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private final AtomicLong firstSendEpochMillis = new AtomicLong(-1);
  private final AtomicLong lastAckEpochMillis = new AtomicLong(-1);
  private final AtomicLong maxLatenessNanos = new AtomicLong();
  private final AtomicLong blockedNanos = new AtomicLong();
  private final LatencySamples latencyMicros = new LatencySamples();
  private volatile boolean schedulerDone;
  private volatile boolean abort;
  private volatile boolean finishRequested;

  /** Starts the agents and the exporters. */
  AgentLoad(PipelineBenchOptions options, TraceLedger ledger, URI otlpHttpUri, String apiKey) {
    this(options, ledger, List.of(otlpHttpUri), apiKey);
  }

  /**
   * Starts the agents and the exporters; exporter {@code i} sends to {@code otlpHttpUris[i % n]}
   * (several gateway replicas, each with its share of the exporters).
   */
  AgentLoad(
      PipelineBenchOptions options, TraceLedger ledger, List<URI> otlpHttpUris, String apiKey) {
    this(options, ledger, otlpHttpUris, apiKey, RETRY_BUDGET);
  }

  /**
   * As above, a request retried for up to {@code retryBudget} (e.g. longer, to ride out a
   * pipeline's restart).
   */
  AgentLoad(
      PipelineBenchOptions options,
      TraceLedger ledger,
      List<URI> otlpHttpUris,
      String apiKey,
      Duration retryBudget) {
    this.retryBudgetNanos = retryBudget.toNanos();
    this.options = options;
    this.ledger = ledger;
    this.uris = List.copyOf(otlpHttpUris);
    this.apiKey = apiKey;
    this.queue = new ArrayBlockingQueue<>(QUEUE_PER_EXPORTER * options.exporters());
    for (int i = 0; i < options.exporters(); i++) {
      URI uri = uris.get(i % uris.size());
      Thread exporter = new Thread(() -> export(uri), "bench-exporter-" + i);
      exporter.setDaemon(true);
      exporters.add(exporter);
      exporter.start();
    }
    this.scheduler = new Thread(this::schedule, "bench-agents");
    this.scheduler.setDaemon(true);
    this.scheduler.start();
  }

  private void schedule() {
    PriorityQueue<Step> steps = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
    ArrayDeque<Integer> idle = new ArrayDeque<>();
    long gap = options.spanGap().toNanos();
    long start = System.nanoTime();
    boolean paced = options.spansPerSecond() > 0;
    long startInterval =
        paced
            ? Math.max(
                1, TimeUnit.SECONDS.toNanos(options.spansPerTrace()) / options.spansPerSecond())
            : 0;
    long nextStart = start;
    long period = gap * options.spansPerTrace();
    for (int agent = 0; agent < options.agents(); agent++) {
      if (paced) {
        idle.add(agent);
      } else {
        steps.add(new Step(start + period * agent / options.agents(), agent, -1, -1, null));
      }
    }
    int active = 0;
    try {
      while (!abort) {
        long now = System.nanoTime();
        boolean stopStarting = stopStarting(now - start);
        while (paced && !stopStarting && nextStart <= now && !idle.isEmpty()) {
          maxLatenessNanos.accumulateAndGet(now - nextStart, Math::max);
          steps.add(startTrace(idle.poll(), now));
          active++;
          nextStart += startInterval;
          stopStarting = stopStarting(now - start);
        }
        while (!steps.isEmpty() && steps.peek().dueNanos <= now && !abort) {
          Step step = steps.poll();
          if (step.index < 0) {
            if (!stopStarting(now - start)) {
              steps.add(startTrace(step.agent, step.dueNanos));
              active++;
            }
            continue;
          }
          maxLatenessNanos.accumulateAndGet(System.nanoTime() - step.dueNanos, Math::max);
          enqueue(new Queued(step.trace, step.spans.get(step.index)));
          if (step.index + 1 < step.spans.size()) {
            steps.add(
                new Step(step.dueNanos + gap, step.agent, step.trace, step.index + 1, step.spans));
          } else {
            active--;
            if (paced) {
              idle.add(step.agent);
            } else {
              steps.add(new Step(step.dueNanos + gap, step.agent, -1, -1, null));
            }
          }
        }
        if (active == 0 && stopStarting(System.nanoTime() - start)) {
          break;
        }
        long next = steps.isEmpty() ? Long.MAX_VALUE : steps.peek().dueNanos;
        if (paced && !idle.isEmpty()) {
          next = Math.min(next, nextStart);
        }
        long waitNanos = Math.min(next - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(5));
        if (waitNanos > 0) {
          LockSupport.parkNanos(waitNanos);
        }
      }
    } catch (RuntimeException e) {
      firstFailure.compareAndSet(null, "agents: " + e);
      log.error("The agents failed", e);
    } finally {
      schedulerDone = true;
      log.info("Agents done: {} traces, {} spans queued", tracesStarted.get(), spansQueued.get());
    }
  }

  private boolean stopStarting(long elapsedNanos) {
    if (finishRequested || tracesStarted.get() >= ledger.capacity()) {
      return true;
    }
    return options.timed()
        ? elapsedNanos >= options.loadTime().toNanos()
        : tracesStarted.get() >= options.traces();
  }

  private Step startTrace(int agent, long dueNanos) {
    int trace = (int) tracesStarted.getAndIncrement();
    List<Span> spans =
        factory.agentTrace(
            ByteString.copyFrom(ledger.traceId(trace)),
            options.spansPerTrace(),
            System.currentTimeMillis() * 1_000_000L,
            options.spanGap().toNanos());
    return new Step(dueNanos, agent, trace, 0, spans);
  }

  private void enqueue(Queued span) {
    try {
      if (!queue.offer(span)) {
        long blockedAt = System.nanoTime();
        while (!abort && !queue.offer(span, 10, TimeUnit.MILLISECONDS)) {
          // the exporters are behind: wait, as a blocking span processor would
        }
        blockedNanos.addAndGet(System.nanoTime() - blockedAt);
      }
      spansQueued.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort = true;
    }
  }

  private void export(URI uri) {
    int max = options.batchSize();
    long delay = options.exportDelay().toNanos();
    List<Queued> batch = new ArrayList<>(max);
    long lastExport = System.nanoTime();
    try {
      while (!abort) {
        long deadline = lastExport + delay;
        while (batch.size() < max) {
          queue.drainTo(batch, max - batch.size());
          long wait = deadline - System.nanoTime();
          if (batch.size() >= max || wait <= 0) {
            break;
          }
          Queued next = queue.poll(wait, TimeUnit.NANOSECONDS);
          if (next != null) {
            batch.add(next);
          }
        }
        lastExport = System.nanoTime();
        if (batch.isEmpty()) {
          if (schedulerDone && queue.isEmpty()) {
            return;
          }
          continue;
        }
        send(uri, batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(URI uri, List<Queued> batch) throws InterruptedException {
    List<Span> spans = new ArrayList<>(batch.size());
    batch.forEach(q -> spans.add(q.span));
    byte[] body = OtlpRequestFactory.request(spans).toByteArray();
    long budgetEnd = System.nanoTime() + retryBudgetNanos;
    while (!abort) {
      firstSendEpochMillis.compareAndSet(-1, System.currentTimeMillis());
      long sent = System.nanoTime();
      long retryAfterMillis;
      try {
        HttpResponse<byte[]> response =
            http.send(exportRequest(uri, apiKey, body), HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        if (status == 200) {
          acknowledged(batch, response.body(), sent);
          return;
        }
        if (status != 429 && status != 503) {
          String text = new String(response.body(), StandardCharsets.UTF_8);
          fail(
              batch.size(),
              "HTTP " + status + ": " + text.substring(0, Math.min(200, text.length())));
          return;
        }
        (status == 429 ? retried429 : retried503).incrementAndGet();
        retryAfterMillis =
            1000L * Math.min(30, response.headers().firstValueAsLong("Retry-After").orElse(1));
      } catch (IOException e) {
        retriedTransport.incrementAndGet();
        retryAfterMillis = 1000;
        log.warn("Request failed, retrying in 1 s: {}", e.toString());
      }
      if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryAfterMillis) > budgetEnd) {
        fail(
            batch.size(),
            "gave up after retrying for "
                + TimeUnit.NANOSECONDS.toSeconds(retryBudgetNanos)
                + " s");
        return;
      }
      Thread.sleep(Math.max(1, retryAfterMillis));
    }
  }

  /** An OTLP/HTTP protobuf export of {@code body} to {@code uri} with the key, 60 s timeout. */
  static HttpRequest exportRequest(URI uri, String apiKey, byte[] body) {
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-protobuf")
        .header("Authorization", "Bearer " + apiKey)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private void acknowledged(List<Queued> batch, byte[] body, long sentNanos) throws IOException {
    long now = System.currentTimeMillis();
    long rejected =
        ExportTraceServiceResponse.parseFrom(body).getPartialSuccess().getRejectedSpans();
    if (rejected > 0) {
      fail(
          batch.size(),
          rejected + " of " + batch.size() + " spans rejected (none counted as acknowledged)");
      return;
    }
    latencyMicros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sentNanos));
    for (Queued q : batch) {
      ledger.acked(q.trace, 1, now);
    }
    spansAcked.addAndGet(batch.size());
    requestsOk.incrementAndGet();
    lastAckEpochMillis.accumulateAndGet(now, Math::max);
  }

  private void fail(int spans, String why) {
    spansFailed.addAndGet(spans);
    if (firstFailure.compareAndSet(null, why)) {
      log.warn("Request failed for good: {}", why);
    }
  }

  /**
   * Starts no more traces from now on; the traces started are sent to their end ({@link
   * #awaitFinished} then waits for them).
   */
  void finish() {
    finishRequested = true;
  }

  /**
   * Waits until every trace started got all its spans sent and answered.
   *
   * @return false if that did not happen within {@code timeoutMillis}
   */
  boolean awaitFinished(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    scheduler.join(Math.max(1, timeoutMillis));
    for (Thread exporter : exporters) {
      exporter.join(Math.max(1, deadline - System.currentTimeMillis()));
    }
    return !scheduler.isAlive() && exporters.stream().noneMatch(Thread::isAlive);
  }

  /** The figures so far. */
  Result result() {
    return new Result(
        tracesStarted.get(),
        spansQueued.get(),
        spansAcked.get(),
        spansFailed.get(),
        requestsOk.get(),
        retried429.get(),
        retried503.get(),
        retriedTransport.get(),
        firstFailure.get(),
        firstSendEpochMillis.get(),
        lastAckEpochMillis.get(),
        TimeUnit.NANOSECONDS.toMillis(maxLatenessNanos.get()),
        TimeUnit.NANOSECONDS.toMillis(blockedNanos.get()),
        latencyMicros);
  }

  /** Stops at once, traces half sent or not, and joins the threads. */
  @Override
  public void close() {
    abort = true;
    try {
      scheduler.join(10_000);
      for (Thread exporter : exporters) {
        exporter.join(70_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

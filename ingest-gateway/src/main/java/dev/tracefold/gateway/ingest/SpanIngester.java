package dev.tracefold.gateway.ingest;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.topic.SpanHeaders;
import dev.tracefold.schemas.topic.Topic;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.service.HealthCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one ingest core every transport ends in (OTLP/HTTP, OTLP/gRPC, native JSON): takes a {@link
 * NormalizedBatch}, bounds each valid span's attributes ({@link AttributeLimiter}), produces the
 * spans to {@code tracefold.spans} with key {@code projectId/traceId}, waits until Kafka
 * acknowledged every one of them, and counts what happened in the transport's {@link
 * TransportMetrics}. Transports reach it through {@link IngestPipeline}.
 *
 * <p>The returned future completes with an {@link IngestResult} only after Kafka acknowledged every
 * produced span; it completes exceptionally with {@link IngestUnavailableException} when Kafka did
 * not acknowledge them within the produce timeout or refused one with a retryable error. A span too
 * large for the producer's {@code max.request.size} is rejected ({@link
 * RejectionReason#SPAN_TOO_LARGE}) rather than failing the request, since retrying cannot help.
 *
 * <p>{@link Producer#send} may block (metadata fetch, full buffer) for up to the producer's {@code
 * max.block.ms}, so sends run on {@code sendExecutor}, never on the caller's thread. The producer
 * is owned by the caller, which closes it.
 *
 * <p>Thread-safe.
 */
public final class SpanIngester {
  private static final Logger log = LoggerFactory.getLogger(SpanIngester.class);
  private static final Topic<String, Span> TOPIC = Topics.SPANS;

  /**
   * How long a failed produce keeps {@link #health()} down when no produce followed it. After that
   * the check stops claiming Kafka is down on old evidence: with no traffic (a readiness probe
   * taking the gateway out of rotation causes exactly that) it would otherwise stay down forever;
   * the {@code kafka-cluster} check probes the cluster itself.
   */
  public static final Duration FAILURE_HOLD = Duration.ofSeconds(30);

  private final Producer<String, Span> producer;
  private final Duration produceTimeout;
  private final IngestMetrics metrics;
  private final Executor sendExecutor;
  private final Clock clock;
  private final AttributeLimiter attributeLimiter;
  private final AtomicReference<Outcome> lastOutcome = new AtomicReference<>();

  /**
   * @param producer the Kafka producer of {@code tracefold.spans}; its {@code max.block.ms} should
   *     not exceed {@code produceTimeout}
   * @param produceTimeout how long {@link #ingest} waits for Kafka's acknowledgements
   * @param metrics where produce errors are counted (the other meters are the transport's, given to
   *     {@link #ingest})
   * @param sendExecutor runs the (possibly blocking) {@link Producer#send} calls
   * @param clock wall clock of the health check's timestamps
   * @param limits supplies the attribute count and value length limits applied to every span before
   *     it is produced ({@link AttributeLimiter})
   */
  public SpanIngester(
      Producer<String, Span> producer,
      Duration produceTimeout,
      IngestMetrics metrics,
      Executor sendExecutor,
      Clock clock,
      IngestLimits limits) {
    this.attributeLimiter = new AttributeLimiter(Objects.requireNonNull(limits, "limits"));
    this.producer = Objects.requireNonNull(producer, "producer");
    this.produceTimeout = Objects.requireNonNull(produceTimeout, "produceTimeout");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.sendExecutor = Objects.requireNonNull(sendExecutor, "sendExecutor");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Produces the batch's valid spans and waits for Kafka's acknowledgements.
   *
   * @param transport the meters of the transport the batch came through (accepted and rejected
   *     spans, latency, limited attributes)
   * @param batch the request's normalised spans and rejections
   * @return a future of the outcome; completes exceptionally with {@link
   *     IngestUnavailableException} when Kafka did not acknowledge in time
   */
  public CompletableFuture<IngestResult> ingest(TransportMetrics transport, NormalizedBatch batch) {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(batch, "batch");
    for (SpanRejection rejection : batch.rejections()) {
      transport.spansRejected(rejection.reason(), 1);
    }
    if (batch.spans().isEmpty()) {
      return CompletableFuture.completedFuture(new IngestResult(0, batch.rejections()));
    }
    limitAttributes(transport, batch.spans());
    long startNanos = System.nanoTime();
    Delivery delivery = new Delivery(batch.spans(), batch.documentSpanCounts());
    try {
      sendExecutor.execute(delivery::sendAll);
    } catch (RejectedExecutionException e) {
      delivery.future.completeExceptionally(e);
    }
    return delivery
        .future
        .orTimeout(produceTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (tooLarge, error) -> {
              transport.ingestLatency(Duration.ofNanos(System.nanoTime() - startNanos));
              if (error != null) {
                throw failed(transport, delivery, Completions.unwrap(error));
              }
              List<SpanRejection> rejections = new ArrayList<>(batch.rejections());
              rejections.addAll(tooLarge);
              tooLarge.forEach(r -> transport.spansRejected(r.reason(), 1));
              int accepted = batch.spans().size() - tooLarge.size();
              transport.spansAccepted(accepted);
              lastOutcome.set(new Outcome(clock.instant(), null));
              return new IngestResult(accepted, rejections);
            });
  }

  private void limitAttributes(TransportMetrics transport, List<Span> spans) {
    long dropped = 0;
    long truncated = 0;
    for (Span span : spans) {
      AttributeLimiter.Cut cut = attributeLimiter.apply(span);
      dropped += cut.droppedAttributes();
      truncated += cut.truncatedValues() + IndexedFields.apply(span);
    }
    transport.attributesLimited(dropped, truncated);
  }

  /**
   * The producer's health as the latest send outcomes show it: down when the most recent request's
   * spans could not be delivered, for {@link #FAILURE_HOLD} after that failure unless a produce
   * succeeds first; up otherwise (also before the first request).
   */
  public HealthCheck.Result health() {
    Outcome last = lastOutcome.get();
    if (last == null) {
      return HealthCheck.Result.up("no spans produced yet");
    }
    if (last.error() != null) {
      if (last.at().plus(FAILURE_HOLD).isAfter(clock.instant())) {
        return HealthCheck.Result.down("last produce failed at " + last.at() + ": " + last.error());
      }
      return HealthCheck.Result.up(
          "no produce since the one that failed at "
              + last.at()
              + " ("
              + last.error()
              + "); kafka-cluster tells whether the cluster answers");
    }
    return HealthCheck.Result.up("last produce acknowledged at " + last.at());
  }

  private IngestUnavailableException failed(
      TransportMetrics transport, Delivery delivery, Throwable error) {
    if (error instanceof TimeoutException) {
      metrics.produceError(error);
    }
    transport.spansRejected(RejectionReason.KAFKA_UNAVAILABLE, delivery.spans.size());
    int spans = delivery.spans.size();
    String what = spans + (spans == 1 ? " span" : " spans");
    String message;
    if (error instanceof TimeoutException) {
      message = "Kafka did not acknowledge " + what + " within " + produceTimeout.toMillis() + "ms";
    } else if (error instanceof org.apache.kafka.common.errors.TimeoutException) {
      message =
          "Kafka did not acknowledge "
              + what
              + " within "
              + produceTimeout.toMillis()
              + "ms: "
              + error.getMessage();
    } else {
      message = "Kafka refused " + what + ": " + error;
    }
    lastOutcome.set(new Outcome(clock.instant(), message));
    log.warn("Cannot ingest {}: {}", what, message);
    return new IngestUnavailableException(message, error);
  }

  private record Outcome(Instant at, String error) {}

  /** The sends of one batch; completes with the spans rejected as too large, or with the error. */
  private final class Delivery {
    final List<Span> spans;
    final Map<String, Integer> documentSpanCounts;
    final CompletableFuture<List<SpanRejection>> future = new CompletableFuture<>();
    final AtomicReferenceArray<Object> results;
    final AtomicInteger remaining;
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Delivery(List<Span> spans, Map<String, Integer> documentSpanCounts) {
      this.spans = spans;
      this.documentSpanCounts = documentSpanCounts;
      this.results = new AtomicReferenceArray<>(spans.size());
      this.remaining = new AtomicInteger(spans.size());
    }

    void sendAll() {
      for (int i = 0; i < spans.size(); i++) {
        if (future.isDone()) {
          return; // timed out or failed: do not queue more records for this request
        }
        int index = i;
        Span span = spans.get(i);
        String key = new TraceKey(span.getProjectId(), span.getTraceId()).toString();
        try {
          producer.send(
              new ProducerRecord<>(TOPIC.name(), null, key, span, headers(span)),
              (metadata, error) -> completed(index, error));
        } catch (RuntimeException e) {
          completed(index, e);
        }
      }
    }

    private Headers headers(Span span) {
      Headers headers = SpanHeaders.of(span);
      Integer documentSpanCount = documentSpanCounts.get(span.getTraceId());
      return documentSpanCount == null
          ? headers
          : SpanHeaders.withDocumentSpanCount(headers, documentSpanCount);
    }

    void completed(int index, Exception error) {
      Object result = error == null ? Boolean.TRUE : error;
      if (!results.compareAndSet(index, null, result)) {
        return; // reported twice (thrown and called back): count once
      }
      if (error != null && !(error instanceof RecordTooLargeException)) {
        metrics.produceError(error);
        failure.compareAndSet(null, error);
      }
      if (remaining.decrementAndGet() == 0) {
        finish();
      }
    }

    private void finish() {
      Throwable error = failure.get();
      if (error != null) {
        future.completeExceptionally(error);
        return;
      }
      List<SpanRejection> tooLarge = new ArrayList<>();
      for (int i = 0; i < spans.size(); i++) {
        if (results.get(i) instanceof RecordTooLargeException e) {
          Span span = spans.get(i);
          tooLarge.add(
              new SpanRejection(
                  RejectionReason.SPAN_TOO_LARGE,
                  "span "
                      + span.getSpanId()
                      + " "
                      + SpanRejection.quotedName(span.getName())
                      + " is too large for Kafka: "
                      + e.getMessage()));
        }
      }
      future.complete(tooLarge);
    }
  }
}

package dev.tracefold.gateway.ingest;

import dev.tracefold.gateway.ratelimit.ProjectRateLimiter;
import dev.tracefold.gateway.ratelimit.RateLimitedException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one ingest path in front of {@link SpanIngester}, shared by every transport (OTLP/HTTP,
 * OTLP/gRPC, native JSON and uploads). A transport only decodes its wire format into an {@link
 * IngestRequest} and renders the {@link IngestOutcome}; everything between happens here, in this
 * order:
 *
 * <ol>
 *   <li>(before the transport parses the body) charge the project's byte rate limit with the
 *       decoded body's size ({@link #admitBody}): a request over the limit is refused 429 before
 *       any parsing, so the limit bounds the CPU a project's bodies cost (issue #12: it used to be
 *       charged after a 10 MB upload was parsed);
 *   <li>normalise the request ({@link IngestRequest#normalize()});
 *   <li>check that no batch carries more than {@link IngestLimits#maxSpansPerRequest()} spans
 *       (413);
 *   <li>charge the project's span rate limit with all spans (valid and invalid) (429 with the
 *       seconds until the request would be admitted; the body's bytes stay charged);
 *   <li>produce the batches one after the other and wait for Kafka's acknowledgements (503 with
 *       {@value #UNAVAILABLE_RETRY_AFTER_SECONDS} s to retry after when Kafka did not acknowledge
 *       in time);
 *   <li>map the result or the failure to an outcome: a {@link RequestRefusedException} (while
 *       decoding or from the span check) keeps its status and message, anything unexpected is
 *       logged and refused 500 ({@code internal error: <exception class>});
 *   <li>let the transport render the outcome, and count the answer in {@code
 *       tracefold_gateway_requests_total} (and a 429 in {@code
 *       tracefold_gateway_rate_limited_total}).
 * </ol>
 *
 * <p>Nothing is produced unless every step before producing passed. Requests refused before they
 * reach a transport (API keys, the servers' own size caps) are counted where they are refused.
 *
 * <p>Thread-safe.
 */
public final class IngestPipeline {
  /** {@code Retry-After} of 503 answers (and gRPC's retry delay), in seconds. */
  public static final int UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

  private static final Logger log = LoggerFactory.getLogger(IngestPipeline.class);

  private final SpanIngester ingester;
  private final ProjectRateLimiter rateLimiter;
  private final IngestLimits limits;

  /**
   * @param ingester produces the batches
   * @param rateLimiter the per-project limits, charged once per request
   * @param limits spans per batch
   */
  public IngestPipeline(
      SpanIngester ingester, ProjectRateLimiter rateLimiter, IngestLimits limits) {
    this.ingester = Objects.requireNonNull(ingester, "ingester");
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Turns an outcome into a transport's answer.
   *
   * @param <R> the transport's request type
   * @param <A> the transport's answer type
   */
  public interface Responder<R, A> {
    /**
     * Renders an outcome.
     *
     * @param request the decoded request; null when it was refused while decoding
     * @param outcome what became of it
     */
    A answer(R request, IngestOutcome outcome);

    /**
     * The HTTP status {@code answer} is counted under (for gRPC, the status the same outcome gets
     * over OTLP/HTTP).
     */
    int httpStatus(A answer);
  }

  /**
   * Runs one request through the pipeline.
   *
   * @param transport the meters of the request's transport
   * @param request the request as the transport decodes it; a failure with {@link
   *     RequestRefusedException} is answered with its status and message, any other failure 500
   * @param responder renders the outcome
   * @return the answer; never fails because of the request (only if the responder throws)
   */
  public <R extends IngestRequest, A> CompletableFuture<A> ingest(
      TransportMetrics transport, CompletionStage<R> request, Responder<? super R, A> responder) {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(responder, "responder");
    CompletableFuture<R> decoded = request.toCompletableFuture();
    return decoded
        .thenCompose(r -> produce(transport, r))
        .handle((outcome, error) -> error == null ? outcome : refusal(transport, error))
        .thenApply(
            outcome -> {
              R answered = decoded.isCompletedExceptionally() ? null : decoded.join();
              A answer = responder.answer(answered, outcome);
              transport.requestAnswered(responder.httpStatus(answer));
              return answer;
            });
  }

  /**
   * Charges the project's byte rate limit with a request body before the transport parses it: every
   * transport calls it once per request, with the body's size after decompression, on the thread
   * that goes on to parse it.
   *
   * @param projectId the project of the request's key
   * @param bodyBytes the body's size in bytes after decompression (for gRPC, the message's size)
   * @throws dev.tracefold.gateway.ratelimit.RateLimitedException when the project is over its byte
   *     rate limit; thrown inside the request's decoding, {@link #ingest} answers it 429
   */
  public void admitBody(String projectId, long bodyBytes) {
    rateLimiter.acquire(projectId, 0, bodyBytes);
  }

  private CompletableFuture<IngestOutcome> produce(
      TransportMetrics transport, IngestRequest request) {
    List<NormalizedBatch> batches = request.normalize();
    long spans = 0;
    for (NormalizedBatch batch : batches) {
      limits.checkSpansPerRequest(batch.totalSpans());
      spans += batch.totalSpans();
    }
    rateLimiter.acquire(request.projectId(), spans, 0);
    CompletableFuture<IngestResult> result =
        CompletableFuture.completedFuture(new IngestResult(0, List.of()));
    for (NormalizedBatch batch : batches) {
      result =
          result.thenCompose(sofar -> ingester.ingest(transport, batch).thenApply(sofar::plus));
    }
    return result.thenApply(IngestOutcome::of);
  }

  private static IngestOutcome refusal(TransportMetrics transport, Throwable error) {
    Throwable cause = Completions.unwrap(error);
    if (cause instanceof RequestRefusedException e) {
      return new IngestOutcome.Refused(e.httpStatus(), e.getMessage(), 0);
    }
    if (cause instanceof RateLimitedException e) {
      transport.requestRateLimited();
      return new IngestOutcome.Refused(429, e.getMessage(), e.retryAfterSeconds());
    }
    if (cause instanceof IngestUnavailableException e) {
      return new IngestOutcome.Refused(
          503, e.getMessage() + "; retry later", UNAVAILABLE_RETRY_AFTER_SECONDS);
    }
    log.error("Unexpected failure while ingesting a {} request", transport.protocol(), cause);
    return new IngestOutcome.Refused(500, "internal error: " + cause.getClass().getSimpleName(), 0);
  }
}

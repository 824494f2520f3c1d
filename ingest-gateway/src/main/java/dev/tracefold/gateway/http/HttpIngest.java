package dev.tracefold.gateway.http;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import dev.tracefold.gateway.ingest.IngestOutcome;
import dev.tracefold.gateway.ingest.IngestPipeline;
import dev.tracefold.gateway.ingest.IngestRequest;
import dev.tracefold.gateway.ingest.TransportMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What the HTTP ingest endpoints (OTLP/HTTP, native traces) share between reading a request and
 * answering it. Stateless and thread-safe.
 */
public final class HttpIngest {
  private HttpIngest() {}

  /**
   * Answers one request through the pipeline.
   *
   * @param pipeline the ingest pipeline
   * @param transport the endpoint's meters
   * @param read starts reading and decoding the request; a refusal it throws (for example a {@code
   *     RequestRefusedException} for an unsupported content type) is answered like one its future
   *     fails with
   * @param responder renders the outcome
   */
  public static <R extends IngestRequest> HttpResponse ingest(
      IngestPipeline pipeline,
      TransportMetrics transport,
      Supplier<? extends CompletionStage<R>> read,
      HttpResponder<? super R> responder) {
    CompletionStage<R> request;
    try {
      request = read.get();
    } catch (RuntimeException e) {
      request = CompletableFuture.failedFuture(e);
    }
    return HttpResponse.of(
        pipeline
            .ingest(transport, request, responder)
            .thenApply(AggregatedHttpResponse::toHttpResponse));
  }

  /**
   * The answer to a refused request: its status, {@code body} as {@code contentType}, and {@code
   * Retry-After} (whole seconds) when the refusal carries one.
   */
  public static AggregatedHttpResponse refusal(
      IngestOutcome.Refused refused, MediaType contentType, byte[] body) {
    ResponseHeadersBuilder headers =
        ResponseHeaders.builder(HttpStatus.valueOf(refused.httpStatus())).contentType(contentType);
    if (refused.hasRetryAfter()) {
      headers.set(HttpHeaderNames.RETRY_AFTER, Long.toString(refused.retryAfterSeconds()));
    }
    return AggregatedHttpResponse.of(headers.build(), HttpData.wrap(body));
  }
}

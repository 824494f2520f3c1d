package dev.tracefold.gateway.otlp;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServiceConfig;
import dev.tracefold.gateway.http.StatusErrorHandler;
import dev.tracefold.gateway.ingest.IngestMetrics;
import java.util.Objects;

/**
 * Renders the 413 Armeria answers by itself (a {@code Content-Length} above the server's {@code
 * maxRequestLength}, before {@link OtlpHttpService} sees the request) as OTLP does: a {@code
 * google.rpc.Status} body in the request's content type, counted in {@code
 * tracefold_gateway_requests_total} under the request's format ({@code unknown} for other types).
 * Every other error is left to Armeria's default handler. Thread-safe.
 */
public final class OtlpErrorHandler extends StatusErrorHandler {
  private final IngestMetrics metrics;
  private final int maxRequestBytes;

  /**
   * @param metrics supplies the meters that count the 413 answers
   * @param maxRequestBytes the server's request size cap, quoted in the message
   */
  public OtlpErrorHandler(IngestMetrics metrics, int maxRequestBytes) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  protected AggregatedHttpResponse render(
      ServiceConfig config, RequestHeaders headers, HttpStatus status) {
    if (status != HttpStatus.REQUEST_ENTITY_TOO_LARGE || headers == null) {
      return null;
    }
    OtlpFormat format = OtlpFormat.of(headers.contentType());
    metrics
        .forTransport(format == null ? IngestMetrics.UNKNOWN_PROTOCOL : format.source)
        .requestAnswered(413);
    return OtlpHttpService.errorResponse(
        OtlpFormat.answering(headers.contentType()),
        status,
        OtlpHttpService.tooLargeMessage(maxRequestBytes));
  }
}

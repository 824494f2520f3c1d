package dev.tracefold.gateway.nativejson;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServiceConfig;
import dev.tracefold.gateway.http.StatusErrorHandler;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.ingest.TransportMetrics;

/**
 * Renders the 413 Armeria answers by itself on the API port (a {@code Content-Length} above the
 * route's {@code maxRequestLength}, before {@link NativeTraceService} sees the request) as the
 * native endpoints answer everything: {@code {"error": "..."}} naming the limit, counted in {@code
 * tracefold_gateway_requests_total{protocol="native-json"}}. Every other error is left to Armeria's
 * default handler. Thread-safe.
 */
public final class NativeErrorHandler extends StatusErrorHandler {
  private final TransportMetrics metrics;

  /**
   * @param metrics supplies the meters that count the 413 answers ({@code native-json})
   */
  public NativeErrorHandler(IngestMetrics metrics) {
    this.metrics = metrics.forTransport(NativeTraceIngest.PROTOCOL);
  }

  @Override
  protected AggregatedHttpResponse render(
      ServiceConfig config, RequestHeaders headers, HttpStatus status) {
    if (status != HttpStatus.REQUEST_ENTITY_TOO_LARGE || config == null) {
      return null;
    }
    metrics.requestAnswered(413);
    return NativeResponses.error(
        status, NativeResponses.tooLargeMessage(config.maxRequestLength()));
  }
}

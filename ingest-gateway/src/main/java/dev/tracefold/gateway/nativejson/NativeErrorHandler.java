package dev.tracefold.gateway.nativejson;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServiceConfig;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.otlp.StatusErrorHandler;
import java.util.Objects;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Renders the 413 Armeria answers by itself on the API port (a {@code Content-Length} above the
 * route's {@code maxRequestLength}, before {@link NativeTraceService} sees the request) as the
 * native endpoints answer everything: {@code {"error": "..."}} naming the limit, counted in {@code
 * tracefold_gateway_requests_total{protocol="native-json"}}. Every other error is left to Armeria's
 * default handler. Thread-safe.
 */
public final class NativeErrorHandler extends StatusErrorHandler {
  private final IngestMetrics metrics;

  /**
   * @param metrics counts the 413 answers
   */
  public NativeErrorHandler(IngestMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  protected AggregatedHttpResponse render(
      ServiceConfig config, RequestHeaders headers, HttpStatus status) {
    if (status != HttpStatus.REQUEST_ENTITY_TOO_LARGE || config == null) {
      return null;
    }
    metrics.request(NativeTraceIngest.PROTOCOL, 413);
    String body =
        JsonNodeFactory.instance
            .objectNode()
            .put("error", NativeResponses.tooLargeMessage(config.maxRequestLength()))
            .toString();
    return AggregatedHttpResponse.of(status, MediaType.JSON_UTF_8, body);
  }
}

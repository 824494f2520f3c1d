package dev.tracefold.gateway.http;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;

/**
 * Base of the gateway's Armeria error handlers, which render the statuses Armeria answers by itself
 * (such as 413 for a {@code Content-Length} above a route's {@code maxRequestLength}) in their
 * transport's format. Service exceptions are left to the services, which answer their own failures;
 * protocol violations and rendered statuses both go to {@link #render}. Subclasses must be
 * thread-safe.
 */
public abstract class StatusErrorHandler implements ServerErrorHandler {
  @Override
  public final HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    return null;
  }

  @Override
  public final AggregatedHttpResponse onProtocolViolation(
      ServiceConfig config,
      RequestHeaders headers,
      HttpStatus status,
      String description,
      Throwable cause) {
    return render(config, headers, status);
  }

  @Override
  public final AggregatedHttpResponse renderStatus(
      ServiceRequestContext ctx,
      ServiceConfig config,
      RequestHeaders headers,
      HttpStatus status,
      String description,
      Throwable cause) {
    return render(config, headers, status);
  }

  /**
   * Renders a status Armeria answers by itself.
   *
   * @param config the route's configuration; may be null for violations before routing
   * @param headers the request headers; may be null
   * @param status the status to answer
   * @return the answer, or null to leave it to Armeria's default handler
   */
  protected abstract AggregatedHttpResponse render(
      ServiceConfig config, RequestHeaders headers, HttpStatus status);
}

package dev.tracefold.gateway.http;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import dev.tracefold.gateway.ingest.IngestOutcome;
import dev.tracefold.gateway.ingest.IngestPipeline;

/**
 * How an HTTP ingest endpoint answers an {@link IngestOutcome}: an aggregated response, counted
 * under its own status.
 *
 * @param <R> the endpoint's request type
 */
@FunctionalInterface
public interface HttpResponder<R> extends IngestPipeline.Responder<R, AggregatedHttpResponse> {
  @Override
  default int httpStatus(AggregatedHttpResponse answer) {
    return answer.status().code();
  }
}

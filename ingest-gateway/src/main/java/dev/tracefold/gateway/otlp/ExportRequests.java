package dev.tracefold.gateway.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tracefold.gateway.ingest.IngestOutcome;
import dev.tracefold.gateway.ingest.RequestRefusedException;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

/**
 * Decoding of protobuf OTLP export requests and the export answers, shared by OTLP/HTTP and
 * OTLP/gRPC. Stateless and thread-safe.
 */
final class ExportRequests {
  private ExportRequests() {}

  /**
   * Parses a protobuf {@code ExportTraceServiceRequest}.
   *
   * @param bytes the (decompressed) request
   * @param what how the client calls it in the error message: {@code body} or {@code message}
   * @throws RequestRefusedException 400, {@code <what> is not a valid protobuf
   *     ExportTraceServiceRequest: <parser message>}
   */
  static ExportTraceServiceRequest parse(byte[] bytes, String what) {
    try {
      return ExportTraceServiceRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new RequestRefusedException(
          400, what + " is not a valid protobuf ExportTraceServiceRequest: " + e.getMessage());
    }
  }

  /**
   * The answer to an accepted request: empty when every span was accepted, else with {@code
   * partial_success} ({@code rejected_spans}, {@code error_message}).
   *
   * @param outcome {@link IngestOutcome.Accepted} or {@link IngestOutcome.PartiallyAccepted}
   */
  static ExportTraceServiceResponse response(IngestOutcome outcome) {
    ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
    if (outcome instanceof IngestOutcome.PartiallyAccepted partial) {
      response.setPartialSuccess(
          ExportTracePartialSuccess.newBuilder()
              .setRejectedSpans(partial.rejectedSpans())
              .setErrorMessage(partial.message()));
    }
    return response.build();
  }
}

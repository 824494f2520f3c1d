package dev.tracefold.gateway.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import dev.tracefold.gateway.ingest.IngestOutcome;
import dev.tracefold.gateway.ingest.IngestPipeline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** The gRPC statuses OTLP/gRPC answers refusals with. Stateless and thread-safe. */
final class GrpcStatuses {
  private GrpcStatuses() {}

  /**
   * The status of a refused export, by the refusal's HTTP status: 400 and 413 → {@code
   * INVALID_ARGUMENT}; 429 → {@code RESOURCE_EXHAUSTED} and 503 → {@code UNAVAILABLE}, both with a
   * {@code google.rpc.RetryInfo} detail of the refusal's retry delay; anything else → {@code
   * INTERNAL}. The description is the refusal's message.
   */
  static StatusRuntimeException of(IngestOutcome.Refused refused) {
    return switch (refused.httpStatus()) {
      case 400, 413 ->
          Status.INVALID_ARGUMENT.withDescription(refused.message()).asRuntimeException();
      case 429 ->
          withRetry(Code.RESOURCE_EXHAUSTED_VALUE, refused.message(), refused.retryAfterSeconds());
      case 503 -> withRetry(Code.UNAVAILABLE_VALUE, refused.message(), refused.retryAfterSeconds());
      default -> Status.INTERNAL.withDescription(refused.message()).asRuntimeException();
    };
  }

  /**
   * {@code UNAVAILABLE} with a {@code RetryInfo} detail of {@value
   * IngestPipeline#UNAVAILABLE_RETRY_AFTER_SECONDS} s, as the OTLP specification asks.
   */
  static StatusRuntimeException unavailable(String message) {
    return withRetry(
        Code.UNAVAILABLE_VALUE, message, IngestPipeline.UNAVAILABLE_RETRY_AFTER_SECONDS);
  }

  /** A status with a {@code google.rpc.RetryInfo} detail of {@code retryAfterSeconds}. */
  static StatusRuntimeException withRetry(int code, String message, long retryAfterSeconds) {
    RetryInfo retry =
        RetryInfo.newBuilder()
            .setRetryDelay(Duration.newBuilder().setSeconds(retryAfterSeconds))
            .build();
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(code)
            .setMessage(message)
            .addDetails(Any.pack(retry))
            .build());
  }
}

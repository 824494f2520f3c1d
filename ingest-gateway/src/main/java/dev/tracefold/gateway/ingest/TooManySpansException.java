package dev.tracefold.gateway.ingest;

/**
 * A request carries more spans than {@link IngestLimits#maxSpansPerRequest()}; it is refused as a
 * whole (HTTP 413, gRPC {@code INVALID_ARGUMENT}) and nothing of it is produced.
 */
public final class TooManySpansException extends RuntimeException {
  /**
   * @param message the count, the limit and what to do
   */
  public TooManySpansException(String message) {
    super(message);
  }
}

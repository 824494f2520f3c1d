package dev.tracefold.gateway.ingest;

/**
 * Kafka did not acknowledge every accepted span of a request within the produce timeout, or refused
 * them. {@link IngestPipeline} refuses the request with a retryable error (HTTP 503 + {@code
 * Retry-After}). Some spans of the request may have been written anyway; a retry re-sends them and
 * downstream stages de-duplicate by span id.
 */
public final class IngestUnavailableException extends RuntimeException {
  /**
   * @param message what did not happen, e.g. {@code Kafka did not acknowledge 3 spans within 10s}
   * @param cause the Kafka or timeout error; may be null
   */
  public IngestUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.tracefold.gateway.ingest;

/**
 * A request refused as a whole for what it is or carries, with the HTTP status to answer and a
 * message for the client; nothing of it is produced. Thrown while decoding (any transport) and by
 * the span count check of {@link IngestPipeline}, which turns it into {@link
 * IngestOutcome.Refused}.
 */
public final class RequestRefusedException extends RuntimeException {
  private final int httpStatus;

  /**
   * @param httpStatus 400 (undecodable body or message, bad parameter), 413 (too large, too many
   *     spans) or 415 (unsupported content type or encoding, unknown upload format)
   * @param message what was wrong and what to do
   */
  public RequestRefusedException(int httpStatus, String message) {
    super(message);
    this.httpStatus = httpStatus;
  }

  /** The HTTP status to answer. */
  public int httpStatus() {
    return httpStatus;
  }
}

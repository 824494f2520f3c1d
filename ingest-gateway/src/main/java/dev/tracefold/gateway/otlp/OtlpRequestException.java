package dev.tracefold.gateway.otlp;

/**
 * A request the OTLP receiver refuses as a whole, with the HTTP status to answer and a message for
 * the client (nothing of the request is produced).
 */
public final class OtlpRequestException extends RuntimeException {
  private final int httpStatus;

  /**
   * @param httpStatus 400 (undecodable body, bad header), 413 (too large) or 415 (unsupported
   *     content type or encoding)
   * @param message what was wrong and what to do
   */
  public OtlpRequestException(int httpStatus, String message) {
    super(message);
    this.httpStatus = httpStatus;
  }

  /** The HTTP status to answer. */
  public int httpStatus() {
    return httpStatus;
  }
}

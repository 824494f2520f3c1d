package dev.tracefold.gateway.nativejson;

/**
 * A native-trace request refused as a whole, with the HTTP status to answer and a message for the
 * client; nothing of the request is stored.
 */
final class NativeRequestException extends RuntimeException {
  private final int httpStatus;

  /**
   * @param httpStatus 400 (unreadable body), 413 (too large, too many spans) or 415 (unsupported
   *     content type or encoding)
   * @param message what was wrong and what to do
   */
  NativeRequestException(int httpStatus, String message) {
    super(message);
    this.httpStatus = httpStatus;
  }

  int httpStatus() {
    return httpStatus;
  }
}

package dev.tracefold.api;

import dev.tracefold.store.trace.SpanPage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code cursor} of {@code GET /api/v1/traces/{id}/spans} (and the {@code
 * spans_next_cursor} of the trace detail): the last span of the page before. Unpadded base64url of
 * {@code 1.<start epoch nanos>.<span id>}; clients must treat it as opaque.
 */
final class SpanCursor {
  private static final String VERSION = "1";

  private SpanCursor() {}

  static String encode(SpanPage.Position position) {
    String text = VERSION + "." + position.startEpochNanos() + "." + position.spanId();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a cursor.
   *
   * @throws ApiException 400 naming {@code cursor} when the text is not a cursor this API issued
   */
  static SpanPage.Position decode(String text) {
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\\.", 3);
      if (parts.length == 3 && parts[0].equals(VERSION) && !parts[2].isEmpty()) {
        return new SpanPage.Position(Long.parseLong(parts[1]), parts[2]);
      }
    } catch (IllegalArgumentException e) {
      // not base64 or not a number: reported below
    }
    throw ApiException.badRequest(
        "cursor",
        "cursor is not one this API issued; pass the next_cursor of the previous page unchanged");
  }
}

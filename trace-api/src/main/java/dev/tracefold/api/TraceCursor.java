package dev.tracefold.api;

import dev.tracefold.store.query.KeysetPosition;
import dev.tracefold.store.query.TraceSort;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * The opaque {@code cursor} of {@code GET /api/v1/traces}: where the next page starts, plus what
 * the listing was, so a cursor is only accepted with the listing that issued it. Encoded as
 * unpadded base64url of {@code 1.<sort_by>.<sort_order>.<sort key>.<as-of ms>.<fingerprint>.<trace
 * id>}; clients must treat it as opaque. Immutable.
 *
 * @param sort the listing's order
 * @param position the last trace of the page before
 * @param asOfEpochMillis the time {@code time_range} was counted back from on the first page, so
 *     every page of a walk uses the same time window
 * @param fingerprint digest of the listing's filter and sort parameters ({@link TraceListRequest})
 */
record TraceCursor(
    TraceSort sort, KeysetPosition position, long asOfEpochMillis, String fingerprint) {
  private static final String VERSION = "1";

  /**
   * The latest as-of time a cursor can carry: the last millisecond whose nanoseconds since the
   * epoch fit a {@code long} (2262-04-11), as every time a listing compares does. A cursor is
   * issued at the clock's time, so one outside 1970..2262 was edited (found by fuzzing: {@code
   * time_range} counted back from such a time overflowed, a 500).
   */
  static final long MAX_AS_OF_EPOCH_MILLIS = Long.MAX_VALUE / 1_000_000;

  TraceCursor {
    Objects.requireNonNull(sort, "sort");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(fingerprint, "fingerprint");
  }

  String encode() {
    String text =
        String.join(
            ".",
            VERSION,
            sort.field().wireName(),
            sort.order().wireName(),
            Long.toString(position.sortKey()),
            Long.toString(asOfEpochMillis),
            fingerprint,
            position.traceId());
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a cursor.
   *
   * @throws ApiException 400 naming {@code cursor} when the text is not a cursor this API issued
   *     (also when its as-of time is outside 1970..2262)
   */
  static TraceCursor decode(String text) {
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\\.", 7);
      if (parts.length == 7 && parts[0].equals(VERSION) && !parts[6].isEmpty()) {
        TraceSort.Field field = TraceSort.Field.fromWireName(parts[1]);
        TraceSort.Order order =
            TraceSort.Order.valueOf(parts[2].toUpperCase(java.util.Locale.ROOT));
        long asOfEpochMillis = Long.parseLong(parts[4]);
        if (field != null && asOfEpochMillis >= 0 && asOfEpochMillis <= MAX_AS_OF_EPOCH_MILLIS) {
          return new TraceCursor(
              new TraceSort(field, order),
              new KeysetPosition(Long.parseLong(parts[3]), parts[6]),
              asOfEpochMillis,
              parts[5]);
        }
      }
    } catch (IllegalArgumentException e) {
      // not base64, not a number, not an order: reported below
    }
    throw ApiException.badRequest(
        "cursor",
        "cursor is not one this API issued; pass the next_cursor of the previous page unchanged");
  }
}

package dev.tracefold.api;

import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceFilterParams;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.query.TraceSort;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters of {@code GET /api/v1/traces}: the filter ({@link TraceFilterParams}), sorting
 * ({@code sort_by}, {@code sort_order}) and paging ({@code page}, {@code page_size}, {@code
 * cursor}). Immutable.
 *
 * @param query what to ask the store
 * @param page the page number, or null when paging by cursor
 * @param asOfEpochMillis the time {@code time_range} counted back from
 * @param fingerprint digest of the filter and sort, carried by the cursors this listing issues
 */
record TraceListRequest(TraceQuery query, Integer page, long asOfEpochMillis, String fingerprint) {
  /** The listing's own parameters, besides the filters. */
  static final List<String> PAGING_PARAMETERS =
      List.of("page", "page_size", "cursor", "sort_by", "sort_order");

  /**
   * Parses and checks the parameters.
   *
   * @param params the query parameters
   * @param now the current time: {@code time_range} counts back from it on a first page, from the
   *     cursor's time on later pages
   * @throws ApiException or {@link dev.tracefold.store.query.InvalidFilterException}: 400 naming
   *     the parameter
   */
  static TraceListRequest parse(Map<String, List<String>> params, Instant now) {
    TraceSort sort = sort(params);
    int pageSize = ApiRequests.pageSize(params);
    String cursorText = ApiRequests.single(params, "cursor");
    String fingerprint = fingerprint(params, sort);
    if (cursorText == null) {
      int page = ApiRequests.page(params);
      TraceFilter filter = TraceFilterParams.parse(params, now, PAGING_PARAMETERS);
      checkScoreSort(sort, filter);
      return new TraceListRequest(
          TraceQuery.page(filter, sort, page, pageSize), page, now.toEpochMilli(), fingerprint);
    }
    if (params.containsKey("page")) {
      throw ApiException.badRequest(
          "page", "page cannot be combined with cursor; the cursor already says where to go on");
    }
    TraceCursor cursor = TraceCursor.decode(cursorText);
    if (!cursor.fingerprint().equals(fingerprint) || !cursor.sort().equals(sort)) {
      throw ApiException.badRequest(
          "cursor",
          "cursor belongs to a listing with other filters or another sort; repeat the parameters"
              + " of the first page with it, or start again without cursor");
    }
    Instant asOf = Instant.ofEpochMilli(cursor.asOfEpochMillis());
    TraceFilter filter = TraceFilterParams.parse(params, asOf, PAGING_PARAMETERS);
    checkScoreSort(sort, filter);
    return new TraceListRequest(
        TraceQuery.after(filter, sort, cursor.position(), pageSize),
        null,
        cursor.asOfEpochMillis(),
        fingerprint);
  }

  /** The cursor of the page after one ending at {@code position}. */
  String cursorAfter(dev.tracefold.store.query.KeysetPosition position) {
    return new TraceCursor(query.sort(), position, asOfEpochMillis, fingerprint).encode();
  }

  /** {@code sort_by=score} orders by the latest score of the filter's one evaluator. */
  private static void checkScoreSort(TraceSort sort, TraceFilter filter) {
    if (sort.field() == TraceSort.Field.SCORE && filter.evaluators().size() != 1) {
      throw ApiException.badRequest(
          "sort_by",
          "sort_by=score needs exactly one evaluator=<name>, the evaluator whose latest score"
              + " orders the traces; got "
              + filter.evaluators().size());
    }
  }

  private static TraceSort sort(Map<String, List<String>> params) {
    String sortBy = ApiRequests.single(params, "sort_by");
    TraceSort.Field field = TraceSort.DEFAULT.field();
    if (sortBy != null) {
      field = TraceSort.Field.fromWireName(sortBy.trim().toLowerCase(Locale.ROOT));
      if (field == null) {
        throw ApiException.badRequest(
            "sort_by",
            "sort_by must be one of "
                + String.join(
                    ", ",
                    Arrays.stream(TraceSort.Field.values()).map(TraceSort.Field::wireName).toList())
                + ", got '"
                + ApiRequests.abbreviate(sortBy)
                + "'");
      }
    }
    String sortOrder = ApiRequests.single(params, "sort_order");
    TraceSort.Order order = TraceSort.DEFAULT.order();
    if (sortOrder != null) {
      String normalised = sortOrder.trim().toLowerCase(Locale.ROOT);
      if (!normalised.equals("asc") && !normalised.equals("desc")) {
        throw ApiException.badRequest(
            "sort_order",
            "sort_order must be asc or desc, got '" + ApiRequests.abbreviate(sortOrder) + "'");
      }
      order = TraceSort.Order.valueOf(normalised.toUpperCase(Locale.ROOT));
    }
    return new TraceSort(field, order);
  }

  /** SHA-256 over the sort and the filter parameters (sorted by name), first 12 bytes. */
  private static String fingerprint(Map<String, List<String>> params, TraceSort sort) {
    Map<String, List<String>> filters = new TreeMap<>(params);
    PAGING_PARAMETERS.forEach(filters::remove);
    StringBuilder text =
        new StringBuilder(sort.field().wireName()).append('\n').append(sort.order().wireName());
    filters.forEach(
        (name, values) ->
            values.forEach(v -> text.append('\n').append(name).append('=').append(v)));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 12));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}

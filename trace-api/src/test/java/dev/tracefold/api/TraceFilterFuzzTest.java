package dev.tracefold.api;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.store.query.InvalidFilterException;
import dev.tracefold.store.query.KeysetPosition;
import dev.tracefold.store.query.TraceSort;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Fuzzes the parameters of {@code GET /api/v1/traces}: the fuzzer's bytes are the query string,
 * decoded by Armeria as the server would, read as a listing ({@link TraceListRequest}: filters of
 * {@code TraceFilterParams}, sort, page, page size, cursor) and answered through {@link
 * ApiHandlers}, which maps failures to statuses as for every read API route; the store is not
 * called. Passes when the answer is 200 or 400; anything else (500 for an unexpected exception), an
 * exception escaping the handler, or a hang is a finding. A query string that is not a valid
 * request target is skipped: the server answers it 400 before any service runs.
 *
 * <p>Cursors are opaque, but nothing stops a client from editing one, and a fuzzer cannot forge the
 * digest of the filters a cursor carries. So the harness parameter {@value #FORGED_CURSOR} {@code
 * =<sort key>.<as-of epoch ms>.<trace id>} stands for a cursor with those parts and the listing's
 * own sort and digest: it is replaced by that {@code cursor} before the listing is read.
 *
 * <p>Inputs ({@code TraceFilterFuzzTestInputs/fuzz/}): the listings of docs/api.md and the README,
 * forged cursors, the corpus a fuzzing run grew from them ({@code corpus/}) and the inputs of
 * findings ({@code findings/}).
 */
class TraceFilterFuzzTest {
  /** The harness parameter standing for a cursor forged with the listing's digest. */
  static final String FORGED_CURSOR = "fuzz.cursor";

  private static final Instant NOW = Instant.parse("2026-11-21T09:30:00Z");
  private static final Set<Integer> DOCUMENTED = Set.of(200, 400);
  private static final KeysetPosition LAST_OF_PAGE =
      new KeysetPosition(1_763_715_600_000_000_000L, "5b8efff798038103d269b633813fc60c");

  @FuzzTest(maxDuration = "60s")
  @DictionaryFile(resourcePath = "trace-filter.dict")
  void fuzz(byte[] query) throws Exception {
    String path = "/api/v1/traces?" + new String(query, StandardCharsets.UTF_8);
    ServiceRequestContext ctx;
    try {
      ctx = ServiceRequestContext.of(HttpRequest.of(HttpMethod.GET, path));
    } catch (IllegalArgumentException notARequestTarget) {
      return; // e.g. a line feed: no valid request carries it, the server answers 400 itself
    }
    Map<String, List<String>> params = ApiRequests.params(ctx);
    List<String> forged = params.remove(FORGED_CURSOR);
    if (forged != null) {
      String cursor = forgedCursor(params, forged.get(0));
      if (cursor == null) {
        return;
      }
      params.remove("page");
      params.put("cursor", List.of(cursor));
    }
    AggregatedHttpResponse answer =
        ApiHandlers.service((c, request) -> list(params))
            .serve(ctx, ctx.request())
            .aggregate()
            .get(30, TimeUnit.SECONDS);
    if (!DOCUMENTED.contains(answer.status().code())) {
      throw new AssertionError(
          "answered " + answer.status() + " to ?" + path + ": " + answer.contentUtf8());
    }
  }

  /** What {@code TraceListService} does before it asks the store, and the next page's cursor. */
  private static com.linecorp.armeria.common.HttpResponse list(Map<String, List<String>> params) {
    TraceListRequest list = TraceListRequest.parse(params, NOW);
    list.cursorAfter(LAST_OF_PAGE);
    return ApiHandlers.ok(JsonNodeFactory.instance.objectNode());
  }

  /**
   * A cursor of the listing {@code params} describe, with the given {@code <sort key>.<as-of epoch
   * ms>.<trace id>}; null when the listing itself is refused (its cursor would be too).
   */
  private static String forgedCursor(Map<String, List<String>> params, String parts) {
    TraceListRequest first;
    try {
      first = TraceListRequest.parse(params, NOW);
    } catch (ApiException | InvalidFilterException refused) {
      return null;
    }
    TraceSort sort = first.query().sort();
    String[] part = parts.split("\\.", 3);
    String text =
        String.join(
            ".",
            "1",
            sort.field().wireName(),
            sort.order().wireName(),
            part[0],
            part.length > 1 ? part[1] : "",
            first.fingerprint(),
            part.length > 2 ? part[2] : "");
    return java.util.Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}

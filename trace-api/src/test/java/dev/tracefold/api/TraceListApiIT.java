package dev.tracefold.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.server.Server;
import dev.tracefold.api.ReadApiTestServer.Reply;
import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.trace.CompletionDecision;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/traces} over HTTP: filters, sorting, page and cursor paging, errors, project
 * isolation. The filter semantics in depth are covered by trace-store's TraceFilterIT and
 * TraceListingIT; this covers the HTTP contract.
 */
class TraceListApiIT {
  private static final long BASE_NANOS = 1_763_000_000_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final String PROJECT = "list-api";
  private static final String OTHER = "list-api-other";

  /** 10 s after trace 9 started. */
  private static final Instant NOW = Instant.ofEpochSecond(0, BASE_NANOS).plusSeconds(19);

  @TempDir static Path dataDir;

  private static ReadApiTestServer api;

  @BeforeAll
  static void start() {
    api = ReadApiTestServer.start(dataDir, Clock.fixed(NOW, ZoneOffset.UTC));
    TraceStore store = api.store();
    // trace n (1..9) starts at n s, has n spans (n - 1 of them LLM calls), n * 10 tokens;
    // odd traces failed; traces 1..3 are in session "s-a" with metadata env=prod
    for (int n = 1; n <= 9; n++) {
      List<Span> spans = new ArrayList<>();
      spans.add(
          span(PROJECT, n, 0, "run " + n)
              .setStatus(n % 2 == 1 ? SpanStatus.ERROR : SpanStatus.OK)
              .setInput(n == 4 ? "Where is my refund?" : null)
              .build());
      for (int s = 1; s < n; s++) {
        spans.add(
            span(PROJECT, n, s, "chat")
                .setParentSpanId(spanId(n, 0))
                .setKind(SpanKind.LLM)
                .setModel(s % 2 == 0 ? "gpt-4o" : "claude-sonnet")
                .setInputTokens(10L)
                .build());
      }
      TraceRollup rollup =
          TraceRollup.newBuilder(TraceRollups.compute(PROJECT, traceId(n), spans))
              .setSessionId(n <= 3 ? "s-a" : "s-b")
              .setMetadata(n <= 3 ? Map.of("env", "prod") : Map.of())
              .build();
      store.writeCompleted(
          CompletedTrace.newBuilder()
              .setProjectId(PROJECT)
              .setTraceId(traceId(n))
              .setRevision(1)
              .setCompletionReason(CompletionReason.QUIET)
              .setFirstArrivalEpochMillis(1L)
              .setLastArrivalEpochMillis(2L)
              .setCompletedEpochMillis(3L)
              .setRollup(rollup)
              .setSpans(spans)
              .build(),
          t -> CompletionDecision.NONE);
    }
    store.writeSpans(List.of(span(OTHER, 1, 0, "elsewhere").build()));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void listsNewestFirstByDefault() {
    Reply reply = api.get("/api/v1/traces", PROJECT);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(names(reply))
        .containsExactly(
            "run 9", "run 8", "run 7", "run 6", "run 5", "run 4", "run 3", "run 2", "run 1");
    assertThat(reply.json().get("count").asInt()).isEqualTo(9);
    assertThat(reply.json().get("total_count").asInt()).isEqualTo(9);
    assertThat(reply.json().get("total_count_capped").asBoolean()).isFalse();
    assertThat(reply.json().get("next_cursor").isNull()).isTrue();
    assertThat(reply.json().get("page").asInt()).isEqualTo(1);
    assertThat(reply.json().get("page_size").asInt()).isEqualTo(100);
    assertThat(reply.json().get("sort_by").asText()).isEqualTo("start_time");
    assertThat(reply.json().get("sort_order").asText()).isEqualTo("desc");
  }

  @Test
  void filtersCombineAcrossParameterKinds() {
    assertThat(names(list("status=ERROR&min_span_count=4&max_span_count=7")))
        .containsExactly("run 7", "run 5");
    assertThat(names(list("models=gpt-4o&status=OK&sort_order=asc")))
        .containsExactly("run 4", "run 6", "run 8");
    assertThat(names(list("metadata.env=prod&session_id=s-a,s-b&state=complete")))
        .containsExactly("run 3", "run 2", "run 1");
    assertThat(names(list("search=REFUND"))).containsExactly("run 4");
    assertThat(names(list("name=run%202"))).containsExactly("run 2");
    // the fixed clock is 19 s after base: the last minute holds every trace
    assertThat(names(list("time_range=1m"))).hasSize(9);
    assertThat(
            names(
                list(
                    "from="
                        + encode(Instant.ofEpochSecond(0, BASE_NANOS).plusSeconds(8).toString()))))
        .containsExactly("run 9", "run 8");
    assertThat(list("min_input_tokens=1000").json().get("traces")).isEmpty();
  }

  @Test
  void sortsByTheRequestedField() {
    assertThat(names(list("sort_by=span_count&sort_order=asc&page_size=3")))
        .containsExactly("run 1", "run 2", "run 3");
    assertThat(names(list("sort_by=total_tokens&page_size=2"))).containsExactly("run 9", "run 8");
    assertThat(names(list("sort_by=error_count&sort_order=ASC&status=ERROR&page_size=1")))
        .hasSize(1);
    Reply byDuration = list("sort_by=duration&sort_order=asc");
    assertThat(byDuration.json().get("sort_by").asText()).isEqualTo("duration");
    assertThat(byDuration.json().get("sort_order").asText()).isEqualTo("asc");
  }

  @Test
  void cursorWalksEveryPageOnce() {
    List<String> walked = new ArrayList<>();
    Reply page = list("page_size=2&status=ERROR,OK&sort_by=created_at");
    int pages = 1;
    while (true) {
      walked.addAll(names(page));
      JsonNode next = page.json().get("next_cursor");
      if (next.isNull()) {
        break;
      }
      page = list("page_size=2&status=ERROR,OK&sort_by=created_at&cursor=" + next.asText());
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.json().get("page").isNull()).isTrue();
      pages++;
    }

    assertThat(pages).isEqualTo(5);
    assertThat(walked).doesNotHaveDuplicates().hasSize(9);
    assertThat(walked).isEqualTo(names(list("status=ERROR,OK&sort_by=created_at")));
  }

  @Test
  void pagesByNumber() {
    Reply third = list("page=3&page_size=4");
    Reply beyond = list("page=4&page_size=4");

    assertThat(names(third)).containsExactly("run 1");
    assertThat(third.json().get("page").asInt()).isEqualTo(3);
    assertThat(third.json().get("next_cursor").isNull()).isTrue();
    assertThat(list("page=2&page_size=4").json().get("next_cursor").isNull()).isFalse();
    assertThat(beyond.json().get("traces")).isEmpty();
    assertThat(beyond.json().get("total_count").asInt()).isEqualTo(9);
  }

  @Test
  void projectsAreIsolated() {
    assertThat(names(api.get("/api/v1/traces", OTHER))).containsExactly("elsewhere");
    assertThat(api.get("/api/v1/traces?trace_id=" + traceId(1), OTHER).json().get("traces"))
        .extracting(t -> t.get("project_id").asText())
        .containsExactly(OTHER);
    assertThat(api.get("/api/v1/traces", null).json().get("total_count").asInt()).isZero();
  }

  @Test
  void malformedParametersAre400NamingThem() {
    assertBadRequest(
        list("colour=red"),
        "colour",
        "unknown parameter 'colour'; the filters are status, state, name, name_contains,"
            + " trace_id, session_id, user_id, tags, tags_match, models, providers, service_names,"
            + " source, min_duration_nanos, max_duration_nanos, min_ttft_nanos, max_ttft_nanos,"
            + " min_cost_microcents, max_cost_microcents, min_span_count, max_span_count,"
            + " min_error_count, max_error_count, min_input_tokens, max_input_tokens,"
            + " min_output_tokens, max_output_tokens, time_range, from, to, search, evaluator,"
            + " passed, min_score, max_score, label, score_pending and metadata.<key>; other"
            + " parameters: page, page_size, cursor, sort_by, sort_order");
    assertBadRequest(
        list("status=BROKEN"), "status", "status must be UNSET, OK or ERROR, got 'BROKEN'");
    assertBadRequest(
        list("min_duration_nanos=soon"),
        "min_duration_nanos",
        "min_duration_nanos must be a whole number >= 0, got 'soon'");
    assertBadRequest(
        list("to=tomorrow"),
        "to",
        "to must be an RFC 3339 time such as 2026-11-21T09:30:00Z, got 'tomorrow'");
    assertBadRequest(
        list("sort_by=name"),
        "sort_by",
        "sort_by must be one of start_time, end_time, duration, cost, total_tokens, span_count,"
            + " error_count, created_at, score, got 'name'");
    assertBadRequest(
        list("sort_order=up"), "sort_order", "sort_order must be asc or desc, got 'up'");
    assertBadRequest(
        list("page_size=501"),
        "page_size",
        "page_size must be an integer between 1 and 500, got '501'");
    assertBadRequest(list("page=1&page=2"), "page", "page must be given once, got 2 values");
    assertBadRequest(
        list("cursor=bm9wZQ"),
        "cursor",
        "cursor is not one this API issued; pass the next_cursor of the previous page unchanged");
    String cursor = list("page_size=2").json().get("next_cursor").asText();
    assertBadRequest(
        list("page_size=2&status=OK&cursor=" + cursor),
        "cursor",
        "cursor belongs to a listing with other filters or another sort; repeat the parameters of"
            + " the first page with it, or start again without cursor");
    assertBadRequest(
        list("sort_order=asc&cursor=" + cursor),
        "cursor",
        "cursor belongs to a listing with other filters or another sort; repeat the parameters of"
            + " the first page with it, or start again without cursor");
    assertBadRequest(
        list("page=2&cursor=" + cursor),
        "page",
        "page cannot be combined with cursor; the cursor already says where to go on");
  }

  @Test
  void storeOutageIs503WithRetryAfter() {
    TraceStore closed = TraceStore.open(api.settings());
    closed.close();
    // keys are still checked against the open database; only the read API's store is down
    Server server = ReadApiTestServer.serve(closed, Clock.systemUTC(), api.keys());
    try {
      Reply reply =
          ReadApiTestServer.send(server, "GET", "/api/v1/traces", api.keyFor(PROJECT), null);

      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.retryAfter()).isEqualTo("5");
      // what failed, never PostgreSQL's or the pool's own words (issue #12)
      assertThat(reply.json().get("error").asText())
          .isEqualTo(
              "trace store unavailable, retry later (Cannot list traces of project list-api)");
    } finally {
      server.stop().join();
    }
  }

  private static Reply list(String query) {
    return api.get("/api/v1/traces?" + query, PROJECT);
  }

  private static void assertBadRequest(Reply reply, String parameter, String message) {
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo(message);
    assertThat(reply.json().get("parameter").asText()).isEqualTo(parameter);
  }

  private static List<String> names(Reply reply) {
    assertThat(reply.status()).as("%s", reply.json()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    reply.json().get("traces").forEach(t -> names.add(t.get("name").asText()));
    return names;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String traceId(int n) {
    return String.format("cc%030x", n);
  }

  private static String spanId(int trace, int span) {
    return String.format("%08x%08x", trace, span + 1);
  }

  private static Span.Builder span(String project, int trace, int span, String name) {
    long start = BASE_NANOS + trace * 1000 * MS + span * MS;
    return Span.newBuilder()
        .setProjectId(project)
        .setTraceId(traceId(trace))
        .setSpanId(spanId(trace, span))
        .setName(name)
        .setKind(SpanKind.AGENT)
        .setStartEpochNanos(start)
        .setEndEpochNanos(start + (100 + trace) * MS)
        .setStatus(SpanStatus.OK)
        .setSource("native-json")
        .setIngestedEpochMillis(1_763_000_000_000L);
  }
}

package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.BASE_EPOCH_NANOS;
import static dev.tracefold.store.TestTraces.completedWith;
import static dev.tracefold.store.TestTraces.newProject;
import static dev.tracefold.store.TestTraces.rollup;
import static dev.tracefold.store.TestTraces.span;
import static dev.tracefold.store.TestTraces.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceFilterParams;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.query.TraceSort;
import dev.tracefold.store.trace.CompletionDecision;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TracePage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every filter of the list API, parsed from its query parameters by {@link TraceFilterParams} and
 * run as SQL by {@link TraceStore#listTraces}, on five hand-made traces whose expected matches are
 * written out; {@link TraceFilter#matches} must agree with the SQL on each.
 */
class TraceFilterIT {
  private static final long MS = 1_000_000L;
  private static final String PROJECT = newProject();
  private static final String OTHER_PROJECT = newProject();
  private static final String T1 = traceId(0xf1);
  private static final String T2 = traceId(0xf2);
  private static final String T3 = traceId(0xf3);
  private static final String T4 = traceId(0xf4);
  private static final String T5 = traceId(0xf5);

  @RegisterExtension static final TestDatabase database = new TestDatabase();
  private static TraceStore store;

  @BeforeAll
  static void start() {
    store = database.store();
    // trace n starts at n s and lasts n * 100 ms
    store.writeCompleted(
        completedWith(
            rollup(PROJECT, T1, 1000, 100)
                .setRootSpanName("checkout flow")
                .setStatus(SpanStatus.ERROR)
                .setSpanCount(5)
                .setErrorCount(2)
                .setCostMicrocents(5000L)
                .setTimeToFirstTokenNanos(200 * MS)
                .setInputTokens(1000)
                .setOutputTokens(200)
                .setTotalTokens(1200)
                .setModels(List.of("gpt-4o"))
                .setProviders(List.of("openai"))
                .setServiceNames(List.of("payments", "shop"))
                .setSessionId("s1")
                .setUserId("alice")
                .setTags(List.of("checkout", "prod"))
                .setMetadata(Map.of("env", "prod", "team", "a"))
                .setInput("Buy a red bicycle")
                .setOutput("Order placed")
                .setSource("otlp-http-protobuf")
                .build()),
        t -> CompletionDecision.NONE);
    store.writeCompleted(
        completedWith(
            rollup(PROJECT, T2, 2000, 200)
                .setRootSpanName("Checkout retry")
                .setSpanCount(3)
                .setCostMicrocents(100L)
                .setTimeToFirstTokenNanos(50 * MS)
                .setInputTokens(10)
                .setOutputTokens(5)
                .setTotalTokens(15)
                .setModels(List.of("claude-sonnet"))
                .setProviders(List.of("anthropic"))
                .setServiceNames(List.of("shop"))
                .setSessionId("s1")
                .setUserId("bob")
                .setTags(List.of("prod"))
                .setMetadata(Map.of("env", "staging"))
                .setInput("retry 100% of_orders")
                .setSource("native-json")
                .build()),
        t -> CompletionDecision.NONE);
    store.writeCompleted(
        completedWith(
            rollup(PROJECT, T3, 3000, 300)
                .setRootSpanName("search")
                .setStatus(SpanStatus.UNSET)
                .setSessionId("s2")
                .setUserId("alice")
                .setTags(List.of("dev"))
                .setMetadata(Map.of("env", "prod", "team", "b"))
                .setOutput("Found 3 bicycles")
                .build()),
        t -> CompletionDecision.NONE);
    store.writeCompleted(
        completedWith(
            rollup(PROJECT, T4, 4000, 400)
                .setSpanCount(10)
                .setCostMicrocents(0L)
                .setTimeToFirstTokenNanos(1000 * MS)
                .setInputTokens(5000)
                .setOutputTokens(1000)
                .setTotalTokens(6000)
                .setModels(List.of("gpt-4o", "text-embedding-3"))
                .setProviders(List.of("openai"))
                .setServiceNames(List.of("rag"))
                .build()),
        t -> CompletionDecision.NONE);
    // in progress: its rollup is computed from the span (source native-json, service svc)
    store.writeSpans(
        List.of(
            span(PROJECT, T5, 1, null, 5000)
                .setName("streaming chat")
                .setStatus(SpanStatus.UNSET)
                .setEndEpochNanos(BASE_EPOCH_NANOS + 5500 * MS)
                .build()));
    store.curation().setUserTags(PROJECT, T1, List.of("reviewed"));
    store.curation().setUserTags(PROJECT, T3, List.of("reviewed"));
    // the same ids in another project, matching everything: never listed
    for (String trace : List.of(T1, T2, T3, T4, T5)) {
      store.writeSpans(List.of(span(OTHER_PROJECT, trace, 1, null, 1500).build()));
    }
  }

  static Stream<Arguments> filters() {
    String t3Upper = T3.toUpperCase();
    return Stream.of(
        // no filter: newest start first
        filter("", T5, T4, T3, T2, T1),
        filter("status=ERROR", T1),
        filter("status=ok,unset", T5, T4, T3, T2),
        filter("status=OK&status=ERROR", T4, T2, T1),
        filter("state=in_progress", T5),
        filter("state=complete", T4, T3, T2, T1),
        filter("name=search", T3),
        filter("name=Search"),
        filter("name_contains=CHECKOUT", T2, T1),
        filter("trace_id=" + t3Upper, T3),
        filter("trace_id=" + T1 + "," + T4, T4, T1),
        filter("session_id=s1", T2, T1),
        filter("user_id=alice", T3, T1),
        filter("user_id=alice,bob", T3, T2, T1),
        filter("tags=prod", T2, T1),
        filter("tags=prod,checkout", T1),
        filter("tags=checkout,dev&tags_match=any", T3, T1),
        filter("tags=reviewed", T3, T1),
        filter("tags=reviewed&tags=dev", T3),
        filter("models=gpt-4o", T4, T1),
        filter("models=claude-sonnet,text-embedding-3", T4, T2),
        filter("providers=anthropic", T2),
        filter("service_names=payments", T1),
        filter("service_names=svc,rag", T5, T4, T3),
        filter("source=native-json", T5, T2),
        filter("min_duration_nanos=300000000", T5, T4, T3),
        filter("max_duration_nanos=200000000", T2, T1),
        filter("min_duration_nanos=200000000&max_duration_nanos=300000000", T3, T2),
        filter("min_ttft_nanos=100000000", T4, T1),
        filter("max_ttft_nanos=100000000", T2),
        filter("min_cost_microcents=100", T2, T1),
        filter("max_cost_microcents=100", T4, T2),
        filter("min_span_count=3", T4, T2, T1),
        filter("max_span_count=1", T5, T3),
        filter("min_error_count=1", T1),
        filter("max_error_count=0", T5, T4, T3, T2),
        filter("min_input_tokens=1000", T4, T1),
        filter("max_output_tokens=5", T5, T3, T2),
        filter("metadata.env=prod", T3, T1),
        filter("metadata.env=prod&metadata.team=b", T3),
        filter("metadata.env=dev"),
        filter("from=" + rfc3339(2000), T5, T4, T3, T2),
        filter("to=" + rfc3339(3000), T2, T1),
        filter("from=" + rfc3339(2000) + "&to=" + rfc3339(3000), T2),
        filter("from=" + rfc3339Offset(2000), T5, T4, T3, T2),
        // now = base + 62.5 s: the last minute starts at 2.5 s
        filter("time_range=1m", T5, T4, T3),
        filter("time_range=1h", T5, T4, T3, T2, T1),
        filter("search=bicycle", T3, T1),
        filter("search=CHECKOUT", T2, T1),
        filter("search=100%25", T2),
        filter("search=of_", T2),
        filter("search=r_d"),
        filter("status=OK&session_id=s1&min_cost_microcents=50", T2),
        filter("user_id=alice&tags=reviewed&metadata.team=a&models=gpt-4o", T1));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("filters")
  void eachFilterSelectsExactlyItsTraces(String query, List<String> expected) {
    TraceFilter filter = TraceFilterParams.parse(params(query), now());

    List<StoredTrace> listed = list(PROJECT, filter);

    assertThat(listed).extracting(t -> t.rollup().getTraceId()).containsExactlyElementsOf(expected);
    List<StoredTrace> all = list(PROJECT, TraceFilter.ALL);
    assertThat(all.stream().filter(filter::matches).toList())
        .as("in-memory evaluation of %s", filter)
        .isEqualTo(listed);
  }

  @Test
  void countsOnlyTheProjectsMatchingTraces() {
    TracePage page =
        store.listTraces(
            PROJECT,
            TraceQuery.page(
                TraceFilterParams.parse(params("tags=prod"), now()), TraceSort.DEFAULT, 1, 1));

    assertThat(page.traces()).extracting(t -> t.rollup().getTraceId()).containsExactly(T2);
    assertThat(page.totalCount()).isEqualTo(2);
    assertThat(page.totalCountCapped()).isFalse();
    assertThat(page.next()).isNotNull();
    assertThat(list(OTHER_PROJECT, TraceFilter.ALL)).hasSize(5);
    assertThat(list(newProject(), TraceFilter.ALL)).isEmpty();
  }

  @Test
  void listedTracesCarryUserTagsAndCreationTime() {
    StoredTrace t1 = list(PROJECT, TraceFilter.builder().traceIds(List.of(T1)).build()).get(0);

    assertThat(t1.userTags()).containsExactly("reviewed");
    assertThat(t1.tags()).containsExactly("checkout", "prod", "reviewed");
    assertThat(t1.saved()).isFalse();
    assertThat(t1.createdEpochMillis()).isGreaterThan(1_763_000_000_000L);
  }

  private static Arguments filter(String query, String... expected) {
    return Arguments.of(query, Arrays.asList(expected));
  }

  private static List<StoredTrace> list(String project, TraceFilter filter) {
    return store
        .listTraces(
            project, TraceQuery.page(filter, TraceSort.DEFAULT, 1, TraceQuery.MAX_PAGE_SIZE))
        .traces();
  }

  private static Instant now() {
    return Instant.ofEpochSecond(0, BASE_EPOCH_NANOS).plusMillis(62_500);
  }

  private static String rfc3339(long millisAfterBase) {
    return Instant.ofEpochSecond(0, BASE_EPOCH_NANOS).plusMillis(millisAfterBase).toString();
  }

  /** The same instant written with a +02:00 offset. */
  private static String rfc3339Offset(long millisAfterBase) {
    return Instant.ofEpochSecond(0, BASE_EPOCH_NANOS)
        .plusMillis(millisAfterBase)
        .atOffset(java.time.ZoneOffset.ofHours(2))
        .toString()
        .replace("+", "%2B");
  }

  /** Query text (already percent-encoded where needed) as a parameter multimap. */
  static Map<String, List<String>> params(String query) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      String key = pair.substring(0, equals);
      String value =
          java.net.URLDecoder.decode(
              pair.substring(equals + 1), java.nio.charset.StandardCharsets.UTF_8);
      params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return params;
  }
}

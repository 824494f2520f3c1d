package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.completedWith;
import static dev.tracefold.store.TestTraces.newProject;
import static dev.tracefold.store.TestTraces.rollup;
import static dev.tracefold.store.TestTraces.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.store.query.KeysetPosition;
import dev.tracefold.store.query.LongRange;
import dev.tracefold.store.query.RangeField;
import dev.tracefold.store.query.TagMatch;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.query.TraceSort;
import dev.tracefold.store.trace.CompletionDecision;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceListing;
import dev.tracefold.store.trace.TracePage;
import dev.tracefold.store.trace.TraceState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sorting and paging of {@link TraceStore#listTraces} on 240 random traces (with many ties), and
 * random filter combinations checked against {@link TraceFilter#matches}; the count cap on 1,005
 * traces.
 */
class TraceListingIT {
  private static final int TRACES = 240;
  private static final List<String> NAMES = List.of("agent run", "Chat", "search docs", "plan");
  private static final List<String> MODELS = List.of("gpt-4o", "claude-sonnet", "llama-3");
  private static final List<String> PROVIDERS = List.of("openai", "anthropic", "meta");
  private static final List<String> SERVICES = List.of("api", "worker", "rag");
  private static final List<String> TAGS = List.of("prod", "dev", "beta", "vip");
  private static final List<String> SOURCES = List.of("otlp-http-json", "native-json");
  private static final List<String> TEXTS =
      List.of("hello world", "Weather in Paris", "refund order 42", "n/a");

  @RegisterExtension static final TestDatabase database = new TestDatabase();
  private static TraceStore store;
  private static final String PROJECT = newProject();
  private static List<StoredTrace> all;

  @BeforeAll
  static void start() {
    store = database.store();
    Random random = new Random(42);
    for (int n = 0; n < TRACES; n++) {
      store.writeCompleted(
          completedWith(randomRollup(random, traceId(n))), t -> CompletionDecision.NONE);
    }
    for (int n = 0; n < TRACES; n += 7) {
      store.curation().setUserTags(PROJECT, traceId(n), List.of("reviewed"));
      if (n % 2 == 0) {
        // a late span reopens the trace: in progress, rollup recomputed from its stored spans
        store.writeSpans(List.of(TestTraces.llmChild(PROJECT, traceId(n), 2, 1, 500)));
      }
    }
    all = listAll(TraceFilter.ALL, TraceSort.DEFAULT);
  }

  // SCORE sorts by one evaluator's latest score (ScoreStoreIT): it needs an evaluator filter
  @ParameterizedTest
  @EnumSource(value = TraceSort.Field.class, names = "SCORE", mode = EnumSource.Mode.EXCLUDE)
  void sortsByEveryFieldBothWaysWithTraceIdBreakingTies(TraceSort.Field field) {
    for (TraceSort.Order order : TraceSort.Order.values()) {
      TraceSort sort = new TraceSort(field, order);
      Comparator<StoredTrace> expected =
          Comparator.<StoredTrace>comparingLong(field::keyOf)
              .thenComparing(t -> t.rollup().getTraceId());
      if (order == TraceSort.Order.DESC) {
        expected = expected.reversed();
      }

      List<StoredTrace> listed = listAll(TraceFilter.ALL, sort);

      assertThat(listed).as("%s %s", field, order).hasSize(TRACES).isSortedAccordingTo(expected);
      assertThat(listed).containsExactlyInAnyOrderElementsOf(all);
    }
  }

  @ParameterizedTest
  @EnumSource(value = TraceSort.Field.class, names = "SCORE", mode = EnumSource.Mode.EXCLUDE)
  void keysetPagesAndOffsetPagesWalkTheSameListing(TraceSort.Field field) {
    for (TraceSort.Order order : TraceSort.Order.values()) {
      TraceSort sort = new TraceSort(field, order);
      TraceFilter filter = TraceFilter.builder().statuses(List.of(SpanStatus.OK)).build();
      List<StoredTrace> expected = listAll(filter, sort);

      List<StoredTrace> byCursor = new ArrayList<>();
      List<StoredTrace> byPage = new ArrayList<>();
      TracePage page = store.listTraces(PROJECT, TraceQuery.page(filter, sort, 1, 7));
      int pageNumber = 1;
      while (true) {
        byCursor.addAll(page.traces());
        TracePage offsetPage =
            store.listTraces(PROJECT, TraceQuery.page(filter, sort, pageNumber, 7));
        byPage.addAll(offsetPage.traces());
        assertThat(page.totalCount()).isEqualTo(expected.size());
        if (page.next() == null) {
          break;
        }
        assertThat(page.traces()).hasSize(7);
        page = store.listTraces(PROJECT, TraceQuery.after(filter, sort, page.next(), 7));
        pageNumber++;
      }

      assertThat(byCursor).as("%s %s by cursor", field, order).isEqualTo(expected);
      assertThat(byPage).as("%s %s by page", field, order).isEqualTo(expected);
    }
  }

  @Test
  void pageBoundaries() {
    TraceFilter filter = TraceFilter.builder().models(List.of("gpt-4o")).build();
    List<StoredTrace> expected = listAll(filter, TraceSort.DEFAULT);
    int size = expected.size();

    TracePage exact =
        store.listTraces(PROJECT, TraceQuery.page(filter, TraceSort.DEFAULT, 1, size));
    TracePage oneShort =
        store.listTraces(PROJECT, TraceQuery.page(filter, TraceSort.DEFAULT, 1, size - 1));
    TracePage last =
        store.listTraces(
            PROJECT, TraceQuery.after(filter, TraceSort.DEFAULT, oneShort.next(), size - 1));
    TracePage beyond =
        store.listTraces(PROJECT, TraceQuery.page(filter, TraceSort.DEFAULT, 2, size));
    KeysetPosition afterLast = TraceSort.DEFAULT.positionOf(expected.get(size - 1));
    TracePage afterEnd =
        store.listTraces(PROJECT, TraceQuery.after(filter, TraceSort.DEFAULT, afterLast, 5));

    assertThat(exact.traces()).isEqualTo(expected);
    assertThat(exact.next()).isNull();
    assertThat(oneShort.traces()).isEqualTo(expected.subList(0, size - 1));
    assertThat(oneShort.next()).isEqualTo(TraceSort.DEFAULT.positionOf(expected.get(size - 2)));
    assertThat(last.traces()).containsExactly(expected.get(size - 1));
    assertThat(last.next()).isNull();
    assertThat(beyond.traces()).isEmpty();
    assertThat(beyond.next()).isNull();
    assertThat(beyond.totalCount()).isEqualTo(size);
    assertThat(afterEnd.traces()).isEmpty();
  }

  @Test
  void randomFilterCombinationsSelectWhatInMemoryEvaluationSelects() {
    Random random = new Random(7);
    int nonEmpty = 0;
    for (int i = 0; i < 300; i++) {
      TraceFilter filter = randomFilter(random);

      List<StoredTrace> listed = listAll(filter, TraceSort.DEFAULT);

      assertThat(listed).as("%s", filter).isEqualTo(all.stream().filter(filter::matches).toList());
      nonEmpty += listed.isEmpty() ? 0 : 1;
    }
    // the generator must exercise matching, not just empty results
    assertThat(nonEmpty).isGreaterThan(100);
  }

  /**
   * The capped count runs in the page's order when PostgreSQL expects many matches and without an
   * order when it expects few: both must count what the filter selects.
   */
  @Test
  void countsTheSameInThePageOrderAndWithout() throws SQLException {
    Random random = new Random(11);
    TraceSort byCost = new TraceSort(TraceSort.Field.COST, TraceSort.Order.DESC);
    try (Connection connection = store.dataSource().getConnection()) {
      connection.setReadOnly(true);
      for (int i = 0; i < 100; i++) {
        TraceFilter filter = randomFilter(random);
        long expected = all.stream().filter(filter::matches).count();
        for (TraceSort sort : List.of(TraceSort.DEFAULT, byCost)) {
          TraceQuery query = TraceQuery.page(filter, sort, 1, 3);
          for (long orderedAbove : new long[] {0, Long.MAX_VALUE, 10}) {
            TracePage page =
                TraceListing.list(connection, PROJECT, query, TraceStore.COUNT_LIMIT, orderedAbove);
            assertThat(page.totalCount())
                .as("%s, %s, in the page's order above %d", filter, sort, orderedAbove)
                .isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void countStopsAtTheLimit() throws SQLException {
    String project = newProject();
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "INSERT INTO traces (project_id, trace_id, root_span_name, status,"
                    + " start_epoch_nanos, end_epoch_nanos, duration_nanos, span_count,"
                    + " error_count, input_tokens, output_tokens, cache_read_tokens,"
                    + " cache_write_tokens, reasoning_tokens, total_tokens, cost_is_estimated,"
                    + " models, providers, service_names, tags, metadata, state)"
                    + " SELECT ?, lpad(to_hex(n), 32, '0'), 'bulk', CASE WHEN n <= 3 THEN 'ERROR'"
                    + " ELSE 'OK' END, n, n, 0, 1, 0, 0, 0, 0, 0, 0, 0, false, '{}', '{}', '{}',"
                    + " '{}', '{}', 'complete' FROM generate_series(1, ?) AS n")) {
      statement.setString(1, project);
      statement.setInt(2, TraceStore.COUNT_LIMIT + 5);
      statement.executeUpdate();
    }
    TraceFilter errors = TraceFilter.builder().statuses(List.of(SpanStatus.ERROR)).build();

    TracePage capped =
        store.listTraces(project, TraceQuery.page(TraceFilter.ALL, TraceSort.DEFAULT, 1, 10));
    TracePage exact = store.listTraces(project, TraceQuery.page(errors, TraceSort.DEFAULT, 1, 10));
    TracePage secondOfTwo =
        store.listTraces(project, TraceQuery.page(errors, TraceSort.DEFAULT, 2, 2));
    TracePage pastTheEnd =
        store.listTraces(project, TraceQuery.page(errors, TraceSort.DEFAULT, 3, 2));
    TracePage afterFirst =
        store.listTraces(
            project,
            TraceQuery.after(
                errors, TraceSort.DEFAULT, TraceSort.DEFAULT.positionOf(exact.traces().get(0)), 1));

    assertThat(capped.totalCount()).isEqualTo(TraceStore.COUNT_LIMIT);
    assertThat(capped.totalCountCapped()).isTrue();
    assertThat(capped.traces()).hasSize(10);
    assertThat(exact.totalCount()).isEqualTo(3);
    assertThat(exact.totalCountCapped()).isFalse();
    assertThat(secondOfTwo.traces()).hasSize(1);
    assertThat(secondOfTwo.totalCount()).isEqualTo(3);
    assertThat(pastTheEnd.traces()).isEmpty();
    assertThat(pastTheEnd.totalCount()).isEqualTo(3);
    assertThat(afterFirst.traces()).hasSize(1);
    assertThat(afterFirst.totalCount()).isEqualTo(3);
  }

  @Test
  void rejectsBadQueries() {
    assertThatThrownBy(() -> TraceQuery.page(TraceFilter.ALL, TraceSort.DEFAULT, 0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("page must be >= 1, was 0");
    assertThatThrownBy(() -> TraceQuery.page(TraceFilter.ALL, TraceSort.DEFAULT, 1, 1001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pageSize must be between 1 and 1000, was 1001");
    assertThatThrownBy(() -> new LongRange(5L, 4L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("min 5 exceeds max 4");
  }

  private static List<StoredTrace> listAll(TraceFilter filter, TraceSort sort) {
    TracePage page =
        store.listTraces(PROJECT, TraceQuery.page(filter, sort, 1, TraceQuery.MAX_PAGE_SIZE));
    assertThat(page.next()).isNull();
    return page.traces();
  }

  /** Fields drawn from small domains, so that sort keys tie and filters match often. */
  private static TraceRollup randomRollup(Random random, String traceId) {
    int spans = 1 + random.nextInt(4);
    long input = random.nextInt(4) * 100L;
    long output = random.nextInt(3) * 50L;
    Map<String, String> metadata = new HashMap<>();
    if (random.nextBoolean()) {
      metadata.put("env", random.nextBoolean() ? "prod" : "dev");
    }
    if (random.nextInt(3) == 0) {
      metadata.put("team", "t" + random.nextInt(2));
    }
    return rollup(PROJECT, traceId, random.nextInt(60) * 1000L, 100L * (1 + random.nextInt(5)))
        .setRootSpanName(pick(random, NAMES))
        .setStatus(SpanStatus.values()[random.nextInt(3)])
        .setSpanCount(spans)
        .setErrorCount(random.nextInt(spans + 1))
        .setInputTokens(input)
        .setOutputTokens(output)
        .setTotalTokens(input + output)
        .setCostMicrocents(random.nextInt(3) == 0 ? null : random.nextInt(4) * 250L)
        .setTimeToFirstTokenNanos(random.nextInt(3) == 0 ? null : random.nextInt(5) * 10_000_000L)
        .setModels(subset(random, MODELS))
        .setProviders(subset(random, PROVIDERS))
        .setServiceNames(subset(random, SERVICES))
        .setSessionId(random.nextInt(4) == 0 ? null : "s" + random.nextInt(5))
        .setUserId(random.nextInt(4) == 0 ? null : "u" + random.nextInt(5))
        .setTags(subset(random, TAGS))
        .setMetadata(metadata)
        .setInput(random.nextInt(4) == 0 ? null : pick(random, TEXTS))
        .setOutput(random.nextInt(4) == 0 ? null : pick(random, TEXTS))
        .setSource(pick(random, SOURCES))
        .build();
  }

  private static TraceFilter randomFilter(Random random) {
    TraceFilter.Builder filter = TraceFilter.builder();
    int conditions = 1 + random.nextInt(3);
    for (int i = 0; i < conditions; i++) {
      switch (random.nextInt(17)) {
        case 0 -> {
          Set<SpanStatus> statuses = EnumSet.noneOf(SpanStatus.class);
          statuses.add(SpanStatus.values()[random.nextInt(3)]);
          statuses.add(SpanStatus.values()[random.nextInt(3)]);
          filter.statuses(statuses);
        }
        case 1 -> filter.states(List.of(TraceState.values()[random.nextInt(2)]));
        case 2 -> filter.name(pick(random, NAMES));
        case 3 -> filter.nameContains(pick(random, List.of("a", "CH", "docs", "zz")));
        case 4 -> filter.sessionIds(List.of("s" + random.nextInt(5), "s" + random.nextInt(5)));
        case 5 -> filter.userIds(List.of("u" + random.nextInt(5)));
        case 6 -> {
          List<String> tags = new ArrayList<>(subset(random, TAGS));
          tags.add(random.nextBoolean() ? "reviewed" : pick(random, TAGS));
          filter.tags(tags, random.nextBoolean() ? TagMatch.ALL : TagMatch.ANY);
        }
        case 7 -> filter.models(List.of(pick(random, MODELS)));
        case 8 -> filter.providers(subset(random, PROVIDERS));
        case 9 -> filter.serviceNames(List.of(pick(random, SERVICES)));
        case 10 -> filter.sources(List.of(pick(random, SOURCES)));
        case 11, 12 -> {
          RangeField field = RangeField.values()[random.nextInt(RangeField.values().length)];
          Long min = random.nextBoolean() ? null : (long) random.nextInt(300);
          Long max = random.nextBoolean() ? null : (min == null ? 0 : min) + random.nextInt(500);
          long scale =
              field == RangeField.DURATION_NANOS || field == RangeField.TTFT_NANOS ? 1_000_000L : 1;
          filter.range(
              field,
              new LongRange(min == null ? null : min * scale, max == null ? null : max * scale));
        }
        case 13 -> {
          filter.metadata("env", random.nextBoolean() ? "prod" : "dev");
          if (random.nextBoolean()) {
            filter.metadata("team", "t" + random.nextInt(2));
          }
        }
        case 14 -> {
          long from = TestTraces.BASE_EPOCH_NANOS + random.nextInt(60) * 1_000_000_000L;
          filter.startBetween(
              random.nextBoolean() ? from : null,
              random.nextBoolean() ? from + random.nextInt(30) * 1_000_000_000L : null);
        }
        case 15 -> filter.search(pick(random, List.of("world", "PARIS", "42", "n/", "agent", "q")));
        default -> filter.traceIds(List.of(traceId(random.nextInt(TRACES)), traceId(3)));
      }
    }
    return filter.build();
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static List<String> subset(Random random, List<String> values) {
    List<String> subset = new ArrayList<>();
    for (String value : values) {
      if (random.nextInt(3) == 0) {
        subset.add(value);
      }
    }
    return subset;
  }
}

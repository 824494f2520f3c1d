package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.completedWith;
import static dev.tracefold.store.TestTraces.newProject;
import static dev.tracefold.store.TestTraces.rollup;
import static dev.tracefold.store.TestTraces.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.session.SessionStore;
import dev.tracefold.store.session.SessionSummary;
import dev.tracefold.store.session.SessionTraces;
import dev.tracefold.store.trace.CompletionDecision;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SessionStore} against a real PostgreSQL. */
class SessionStoreIT {
  private static final long MS = 1_000_000L;
  private static final String PROJECT = newProject();

  @RegisterExtension static final TestDatabase database = new TestDatabase();
  private static SessionStore sessions;

  @BeforeAll
  static void start() {
    TraceStore store = database.store();
    sessions = store.sessions();
    // session "chat-1": traces 1 (0 s), 2 (5 s, failed), 3 (10 s); "chat-2": trace 4 (7 s)
    write(
        store,
        rollup(PROJECT, traceId(1), 0, 100)
            .setSessionId("chat-1")
            .setUserId("u2")
            .setInputTokens(10)
            .setOutputTokens(1)
            .setTotalTokens(11)
            .setCostMicrocents(100L));
    write(
        store,
        rollup(PROJECT, traceId(2), 5000, 200)
            .setSessionId("chat-1")
            .setUserId("u1")
            .setStatus(SpanStatus.ERROR)
            .setErrorCount(2)
            .setInputTokens(20)
            .setOutputTokens(2)
            .setTotalTokens(22));
    write(
        store,
        rollup(PROJECT, traceId(3), 10_000, 300)
            .setSessionId("chat-1")
            .setUserId("u2")
            .setCostMicrocents(50L));
    write(store, rollup(PROJECT, traceId(4), 7000, 400).setSessionId("chat-2"));
    write(store, rollup(PROJECT, traceId(5), 20_000, 500));
    write(store, rollup(newProject(), traceId(6), 0, 100).setSessionId("chat-1"));
  }

  @Test
  void listsSessionsMostRecentlyActiveFirstWithTotals() {
    Page<SessionSummary> page = sessions.listSessions(PROJECT, TraceFilter.ALL, 1, 10);

    assertThat(page.items())
        .extracting(SessionSummary::sessionId)
        .containsExactly("chat-1", "chat-2");
    assertThat(page.hasMore()).isFalse();
    SessionSummary chat1 = page.items().get(0);
    assertThat(chat1.traceCount()).isEqualTo(3);
    assertThat(chat1.firstStartEpochNanos()).isEqualTo(TestTraces.BASE_EPOCH_NANOS);
    assertThat(chat1.lastStartEpochNanos()).isEqualTo(TestTraces.BASE_EPOCH_NANOS + 10_000 * MS);
    assertThat(chat1.durationNanos()).isEqualTo(10_300 * MS);
    assertThat(chat1.totalDurationNanos()).isEqualTo(600 * MS);
    assertThat(chat1.inputTokens()).isEqualTo(30);
    assertThat(chat1.outputTokens()).isEqualTo(3);
    assertThat(chat1.totalTokens()).isEqualTo(33);
    assertThat(chat1.costMicrocents()).isEqualTo(150);
    assertThat(chat1.errorCount()).isEqualTo(2);
    assertThat(chat1.errorTraceCount()).isEqualTo(1);
    assertThat(chat1.userIds()).containsExactly("u1", "u2");
    SessionSummary chat2 = page.items().get(1);
    assertThat(chat2.costMicrocents()).isNull();
    assertThat(chat2.userIds()).isEmpty();
  }

  @Test
  void theFilterSelectsWhichTracesCount() {
    TraceFilter failed = TraceFilter.builder().statuses(List.of(SpanStatus.ERROR)).build();

    Page<SessionSummary> page = sessions.listSessions(PROJECT, failed, 1, 10);

    assertThat(page.items())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.sessionId()).isEqualTo("chat-1");
              assertThat(s.traceCount()).isEqualTo(1);
              assertThat(s.userIds()).containsExactly("u1");
            });
  }

  @Test
  void pagesSessions() {
    Page<SessionSummary> first = sessions.listSessions(PROJECT, TraceFilter.ALL, 1, 1);
    Page<SessionSummary> second = sessions.listSessions(PROJECT, TraceFilter.ALL, 2, 1);

    assertThat(first.items()).extracting(SessionSummary::sessionId).containsExactly("chat-1");
    assertThat(first.hasMore()).isTrue();
    assertThat(second.items()).extracting(SessionSummary::sessionId).containsExactly("chat-2");
    assertThat(second.hasMore()).isFalse();
    assertThatThrownBy(() -> sessions.listSessions(PROJECT, TraceFilter.ALL, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("page must be >= 1, was 0");
  }

  @Test
  void findsOneSessionsTracesInTimeOrderWithItsTotals() {
    SessionTraces chat1 = sessions.findSession(PROJECT, "chat-1", 1, 10).orElseThrow();
    SessionTraces secondPage = sessions.findSession(PROJECT, "chat-1", 2, 2).orElseThrow();

    assertThat(chat1.summary().traceCount()).isEqualTo(3);
    assertThat(chat1.traces())
        .extracting(t -> t.rollup().getTraceId())
        .containsExactly(traceId(1), traceId(2), traceId(3));
    assertThat(secondPage.summary()).isEqualTo(chat1.summary());
    assertThat(secondPage.traces())
        .extracting(t -> t.rollup().getTraceId())
        .containsExactly(traceId(3));
    assertThat(sessions.findSession(PROJECT, "nope", 1, 10)).isEmpty();
    assertThat(sessions.findSession(newProject(), "chat-1", 1, 10)).isEmpty();
  }

  @Test
  void sessionsTiedOnTheirLatestStartAreOrderedBySessionIdAcrossPages() {
    String project = newProject();
    TraceStore store = database.store();
    // s-a and s-c end at 9 s, s-b at 9 s too but started earlier; s-d at 3 s; s-b has 3 traces
    write(store, rollup(project, traceId(11), 1000, 10).setSessionId("s-b"));
    write(store, rollup(project, traceId(12), 9000, 10).setSessionId("s-a"));
    write(store, rollup(project, traceId(13), 9000, 10).setSessionId("s-c"));
    write(store, rollup(project, traceId(14), 9000, 10).setSessionId("s-b"));
    write(store, rollup(project, traceId(15), 3000, 10).setSessionId("s-d"));
    write(store, rollup(project, traceId(16), 2000, 10).setSessionId("s-b"));

    List<String> all =
        sessions.listSessions(project, TraceFilter.ALL, 1, 10).items().stream()
            .map(SessionSummary::sessionId)
            .toList();
    List<String> onePerPage = new java.util.ArrayList<>();
    for (int page = 1; page <= 4; page++) {
      Page<SessionSummary> one = sessions.listSessions(project, TraceFilter.ALL, page, 1);
      assertThat(one.hasMore()).isEqualTo(page < 4);
      one.items().forEach(summary -> onePerPage.add(summary.sessionId()));
    }

    assertThat(all).containsExactly("s-c", "s-b", "s-a", "s-d");
    assertThat(onePerPage).isEqualTo(all);
    assertThat(sessions.listSessions(project, TraceFilter.ALL, 2, 1).items().get(0).traceCount())
        .isEqualTo(3);
    assertThat(sessions.listSessions(project, TraceFilter.ALL, 5, 1).items()).isEmpty();
  }

  private static void write(TraceStore store, TraceRollup.Builder rollup) {
    store.writeCompleted(completedWith(rollup.build()), t -> CompletionDecision.NONE);
  }
}

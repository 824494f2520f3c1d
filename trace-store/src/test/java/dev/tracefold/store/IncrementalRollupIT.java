package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.completed;
import static dev.tracefold.store.TestTraces.newProject;
import static dev.tracefold.store.TestTraces.spanId;
import static dev.tracefold.store.TestTraces.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.store.trace.CompletionDecision;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The span writer's incremental rollup equals {@link TraceRollups#compute} over every stored span,
 * whatever the order and batching of the spans: random batches, the root last, duplicates, replays,
 * orphans adopted later, cycles, and completed revisions (full and partial) stored in between.
 */
class IncrementalRollupIT {
  @RegisterExtension static final TestDatabase database = new TestDatabase();
  private static TraceStore store;

  @BeforeAll
  static void start() {
    store = database.store();
  }

  @Test
  void randomBatchOrdersDuplicatesAndReplaysGiveTheRollupOfEveryStoredSpan() {
    for (int seed = 0; seed < 100; seed++) {
      Random random = new Random(seed);
      String project = newProject();
      Map<String, List<Span>> traces = new LinkedHashMap<>();
      for (int t = 0; t < 4; t++) {
        String trace = traceId(seed * 10 + t);
        traces.put(trace, randomTrace(random, project, trace));
      }
      List<Span> feed = new ArrayList<>();
      traces.values().forEach(feed::addAll);
      Collections.shuffle(feed, random);
      if (random.nextBoolean()) {
        // agents export the root span last: move every parentless span to the end
        List<Span> roots = feed.stream().filter(s -> s.getParentSpanId() == null).toList();
        feed.removeAll(roots);
        feed.addAll(roots);
      }
      for (int i = 0, n = feed.size(); i < n / 3; i++) {
        feed.add(random.nextInt(feed.size()), feed.get(random.nextInt(n))); // duplicates
      }
      Map<String, List<Span>> stored = new LinkedHashMap<>();
      int from = 0;
      while (from < feed.size()) {
        int to = Math.min(feed.size(), from + 1 + random.nextInt(6));
        List<Span> batch = feed.subList(from, to);
        store.writeSpans(batch);
        batch.forEach(span -> remember(stored, span));
        if (random.nextInt(4) == 0) {
          store.writeSpans(feed.subList(random.nextInt(to), to)); // a replay
        }
        if (random.nextInt(5) == 0) {
          String trace = batch.get(0).getTraceId();
          List<Span> known = stored.get(trace);
          List<Span> revisionSpans = known.subList(0, 1 + random.nextInt(known.size()));
          CompletedTrace revision = completed(List.copyOf(revisionSpans), 1 + random.nextInt(3));
          if (random.nextInt(3) == 0) {
            revision = CompletedTrace.newBuilder(revision).setPartial(true).build();
          }
          store.writeCompleted(revision, x -> CompletionDecision.NONE);
        }
        from = to;
        for (Map.Entry<String, List<Span>> trace : stored.entrySet()) {
          StoredTrace found = store.findTrace(project, trace.getKey()).orElseThrow();
          assertThat(found.spans()).hasSameSizeAs(trace.getValue());
          assertThat(found.rollup())
              .as("seed %d, trace %s, after %d records", seed, trace.getKey(), to)
              .isEqualTo(TraceRollups.compute(project, trace.getKey(), trace.getValue()));
        }
      }
      // the last word: a revision covering every span completes each trace with its rollup
      for (Map.Entry<String, List<Span>> trace : traces.entrySet()) {
        store.writeCompleted(completed(trace.getValue(), 9), x -> CompletionDecision.NONE);
        StoredTrace found = store.findTrace(project, trace.getKey()).orElseThrow();
        assertThat(found.state()).isEqualTo(TraceState.COMPLETE);
        assertThat(found.spansBeyondRevision()).isZero();
        assertThat(found.rollup())
            .isEqualTo(TraceRollups.compute(project, trace.getKey(), trace.getValue()));
        // and a late span after it merges into the revision's rollup
        Span late =
            TestTraces.span(project, trace.getKey(), 99, spanId(1), 5_000)
                .setStatus(SpanStatus.ERROR)
                .build();
        store.writeSpans(List.of(late));
        List<Span> all = new ArrayList<>(trace.getValue());
        all.add(late);
        StoredTrace reopened = store.findTrace(project, trace.getKey()).orElseThrow();
        assertThat(reopened.state()).isEqualTo(TraceState.IN_PROGRESS);
        assertThat(reopened.spansBeyondRevision()).isEqualTo(1);
        assertThat(reopened.rollup()).isEqualTo(TraceRollups.compute(project, trace.getKey(), all));
      }
    }
  }

  @Test
  void spansACompletedRevisionStoredAreLeftOutBeforeTheCopyAndAReplayIsStagedOnce() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String project = newProject();
    List<Span> completedSpans =
        List.of(
            TestTraces.root(project, traceId(1), 1, 0),
            TestTraces.llmChild(project, traceId(1), 2, 1, 10));
    Span late = TestTraces.llmChild(project, traceId(1), 3, 1, 50);
    Span other = TestTraces.root(project, traceId(2), 1, 0);
    try (TraceStore metered = TraceStore.open(database.settings(), registry)) {
      metered.writeCompleted(completed(completedSpans, 1), x -> CompletionDecision.NONE);

      // the span writer, behind the completed-trace writer: the revision's spans, a late one and
      // a span of another trace in one batch
      List<Span> batch = new ArrayList<>(completedSpans);
      batch.add(late);
      batch.add(other);
      assertThat(metered.writeSpans(batch)).hasSize(2);
      assertThat(staged(registry)).isZero();

      List<Span> all = new ArrayList<>(completedSpans);
      all.add(late);
      StoredTrace reopened = metered.findTrace(project, traceId(1)).orElseThrow();
      assertThat(reopened.state()).isEqualTo(TraceState.IN_PROGRESS);
      assertThat(reopened.spans()).hasSize(3);
      assertThat(reopened.spansBeyondRevision()).isEqualTo(1);
      assertThat(reopened.rollup()).isEqualTo(TraceRollups.compute(project, traceId(1), all));
      assertThat(metered.findTrace(project, traceId(2)).orElseThrow().spans()).hasSize(1);

      // a replay of an in-progress trace (no revision yet) meets its stored span in the copy
      Span second = TestTraces.llmChild(project, traceId(2), 2, 1, 10);
      assertThat(metered.writeSpans(List.of(other, second))).hasSize(1);
      assertThat(staged(registry)).isEqualTo(2);
      assertThat(metered.findTrace(project, traceId(2)).orElseThrow().rollup())
          .isEqualTo(TraceRollups.compute(project, traceId(2), List.of(other, second)));
    }
  }

  private static double staged(SimpleMeterRegistry registry) {
    return registry.get("tracefold.store.spans.staged").counter().count();
  }

  private static void remember(Map<String, List<Span>> stored, Span span) {
    List<Span> spans = stored.computeIfAbsent(span.getTraceId(), k -> new ArrayList<>());
    if (spans.stream().noneMatch(s -> s.getSpanId().equals(span.getSpanId()))) {
      spans.add(span);
    }
  }

  /**
   * 1-12 spans: usually one root, sometimes two or none (orphans only, or a parent cycle), with
   * random kinds, statuses, tokens, costs (some absent, some estimated), first-token times, models,
   * providers, services, tags, session and user ids (on the root or only on children), inputs and
   * outputs, and start-time ties.
   */
  private static List<Span> randomTrace(Random random, String project, String trace) {
    int count = 1 + random.nextInt(12);
    int shape = random.nextInt(10); // 0: no root (orphans), 1: cycle, 2: two roots, else one
    List<Span> spans = new ArrayList<>();
    for (int n = 1; n <= count; n++) {
      String parent;
      if (n == 1) {
        parent = shape == 0 ? spanId(1000) : shape == 1 ? spanId(count) : null;
      } else if (n == 2 && shape == 2) {
        parent = null;
      } else if (shape == 0 && random.nextInt(3) == 0) {
        parent = spanId(2000 + n); // another orphan
      } else {
        parent = spanId(1 + random.nextInt(n - 1));
      }
      long startMillis = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000);
      boolean llm = random.nextBoolean();
      Span.Builder span =
          TestTraces.span(project, trace, n, parent, startMillis)
              .setKind(llm ? SpanKind.LLM : SpanKind.values()[random.nextInt(5)])
              .setStatus(SpanStatus.values()[random.nextInt(SpanStatus.values().length)])
              .setEndEpochNanos(
                  TestTraces.BASE_EPOCH_NANOS + (startMillis + random.nextInt(2_000)) * 1_000_000L)
              .setServiceName(pick(random, "svc-a", "svc-b", "", null))
              .setModel(llm ? pick(random, "gpt-4o", "claude", "", null) : null)
              .setProvider(llm ? pick(random, "openai", "anthropic", null) : null)
              .setInputTokens(random.nextBoolean() ? (long) random.nextInt(500) : null)
              .setOutputTokens(random.nextBoolean() ? (long) random.nextInt(500) : null)
              .setCacheReadTokens(random.nextBoolean() ? (long) random.nextInt(50) : null)
              .setCacheWriteTokens(random.nextBoolean() ? (long) random.nextInt(50) : null)
              .setReasoningTokens(random.nextBoolean() ? (long) random.nextInt(50) : null)
              .setCostMicrocents(random.nextInt(3) == 0 ? (long) random.nextInt(10_000) : null)
              .setCostIsEstimated(random.nextBoolean())
              .setTimeToFirstTokenNanos(
                  random.nextBoolean() ? (long) random.nextInt(50_000_000) : null)
              .setSessionId(random.nextInt(3) == 0 ? pick(random, "s-1", "s-2") : null)
              .setUserId(random.nextInt(3) == 0 ? pick(random, "u-1", "u-2") : null)
              .setTags(random.nextBoolean() ? List.of(pick(random, "a", "b", "c")) : List.of())
              .setInput(random.nextBoolean() ? "in " + n : null)
              .setOutput(random.nextBoolean() ? "out " + n : null)
              .setSource(pick(random, "native-json", "otlp-grpc"));
      spans.add(span.build());
    }
    return spans;
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... values) {
    return values[random.nextInt(values.length)];
  }
}

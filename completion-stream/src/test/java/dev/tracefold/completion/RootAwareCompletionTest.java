package dev.tracefold.completion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.topic.SpanHeaders;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** Root-aware and document completion (issue #16), on the TopologyTestDriver. */
class RootAwareCompletionTest extends CompletionTopologyTestBase {
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final String ROOT = "00000000000000a0";

  private void startRootAware(RootAwareSettings rootAware) {
    start(settings(Map.of(), 10_000, 1 << 20).withRootAware(rootAware));
  }

  private void sendDocument(Span span, int documentSpanCount) {
    Headers headers = SpanHeaders.withDocumentSpanCount(SpanHeaders.of(span), documentSpanCount);
    spans.pipeInput(
        new TestRecord<>(span.getProjectId() + "/" + span.getTraceId(), span, headers, now));
  }

  @Test
  void aTraceWhoseRootArrivedLastCompletesRootGraceAfterIt() {
    startRootAware(RootAwareSettings.on(GRACE));
    send(span("p1", TRACE_A, "00000000000000a1", ROOT, 200));
    advance(Duration.ofSeconds(3));
    send(span("p1", TRACE_A, "00000000000000a2", "00000000000000a1", 300));
    advance(Duration.ofSeconds(3));
    send(span("p1", TRACE_A, ROOT, null, 100));
    advance(GRACE.minusSeconds(1));
    assertThat(completed.isEmpty()).isTrue();
    advance(Duration.ofSeconds(1));
    CompletedTrace trace = completed.readValue();
    assertThat(trace.getCompletionReason()).isEqualTo(CompletionReason.ROOT);
    assertThat(trace.getSpans()).hasSize(3);
    assertThat(trace.getRollup().getRootSpanId()).isEqualTo(ROOT);
    assertThat(
            registry
                .get("tracefold.completion.completions")
                .tag("reason", "ROOT")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void spansAfterTheRootMoveTheDeadlineAndLaterOnesMakeTheNextRevision() {
    startRootAware(RootAwareSettings.on(GRACE));
    send(span("p1", TRACE_A, ROOT, null, 100));
    advance(Duration.ofSeconds(8));
    send(span("p1", TRACE_A, "00000000000000a1", ROOT, 200)); // a child that outlives its root
    advance(Duration.ofSeconds(9));
    assertThat(completed.isEmpty()).as("root grace counts from the last span").isTrue();
    advance(Duration.ofSeconds(1));
    assertThat(completed.readValue().getSpans()).hasSize(2);
    advance(Duration.ofMinutes(1));
    send(span("p1", TRACE_A, "00000000000000a2", ROOT, 300)); // a straggler
    advance(GRACE);
    CompletedTrace second = completed.readValue();
    assertThat(second.getRevision()).isEqualTo(2);
    assertThat(second.getCompletionReason()).isEqualTo(CompletionReason.ROOT);
    assertThat(second.getSpans()).hasSize(3);
  }

  @Test
  void anOrphanKeepsTheQuietWindowUntilItsParentArrives() {
    startRootAware(RootAwareSettings.on(GRACE));
    send(span("p1", TRACE_A, ROOT, null, 100));
    send(span("p1", TRACE_A, "00000000000000a2", "00000000000000a1", 300)); // parent a1 not here
    advance(GRACE.plusSeconds(5));
    assertThat(completed.isEmpty()).as("an orphan: not root-complete").isTrue();
    assertThat(registry.get("tracefold.completion.root.waits").counter().count()).isEqualTo(1.0);
    send(span("p1", TRACE_A, "00000000000000a1", ROOT, 200));
    advance(GRACE);
    CompletedTrace trace = completed.readValue();
    assertThat(trace.getCompletionReason()).isEqualTo(CompletionReason.ROOT);
    assertThat(trace.getSpans()).hasSize(3);
  }

  @Test
  void anOrphanThatNeverFindsItsParentCompletesOnTheQuietWindow() {
    startRootAware(RootAwareSettings.on(GRACE));
    send(span("p1", TRACE_A, ROOT, null, 100));
    send(span("p1", TRACE_A, "00000000000000a2", "00000000000000ff", 300));
    advance(WINDOW.minusSeconds(1));
    assertThat(completed.isEmpty()).isTrue();
    advance(Duration.ofSeconds(1));
    assertThat(completed.readValue().getCompletionReason()).isEqualTo(CompletionReason.QUIET);
  }

  @Test
  void aTraceWithoutItsRootKeepsTheQuietWindow() {
    startRootAware(RootAwareSettings.on(GRACE));
    send(span("p1", TRACE_A, "00000000000000a1", ROOT, 200));
    advance(WINDOW.minusSeconds(1));
    assertThat(completed.isEmpty()).isTrue();
    advance(Duration.ofSeconds(1));
    assertThat(completed.readValue().getCompletionReason()).isEqualTo(CompletionReason.QUIET);
  }

  @Test
  void aWholeDocumentCompletesAtOnceAndAResentDocumentAddsNoRevision() {
    startRootAware(RootAwareSettings.on(GRACE));
    Span root = span("p1", TRACE_A, ROOT, null, 100);
    Span child = span("p1", TRACE_A, "00000000000000a1", ROOT, 200);
    sendDocument(root, 2);
    assertThat(completed.isEmpty()).isTrue();
    sendDocument(child, 2);
    CompletedTrace trace = completed.readValue();
    assertThat(trace.getCompletionReason()).isEqualTo(CompletionReason.DOCUMENT);
    assertThat(trace.getSpans()).hasSize(2);
    sendDocument(root, 2);
    sendDocument(child, 2);
    advance(WINDOW.plusMinutes(1));
    assertThat(completed.isEmpty()).as("the same document again: duplicates only").isTrue();
  }

  @Test
  void projectsSwitchedBackToTheQuietWindowIgnoreRootsAndDocuments() {
    startRootAware(
        new RootAwareSettings(true, GRACE, Map.of("slow", Duration.ofMinutes(2)), Set.of("batch")));
    send(span("batch", TRACE_A, ROOT, null, 100));
    sendDocument(span("batch", TRACE_B, ROOT, null, 100), 1);
    send(span("slow", TRACE_A, ROOT, null, 100));
    advance(Duration.ofMinutes(2));
    assertThat(completed.readKeyValue().key)
        .as("per-project root grace")
        .isEqualTo("slow/" + TRACE_A);
    assertThat(completed.isEmpty()).isTrue();
    advance(WINDOW);
    assertThat(completed.readValuesToList())
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.getCompletionReason()).isEqualTo(CompletionReason.QUIET));
  }

  @Test
  void aBacklogProcessedInOneGoCompletesOnTheRootWhereRealTimeWould() {
    caughtUp = false;
    start(settings(Map.of(), 10_000, 1 << 20).withRootAware(RootAwareSettings.on(GRACE)));
    advance(Duration.ofHours(1));
    send(span("p1", TRACE_A, ROOT, null, 100), T0);
    send(span("p1", TRACE_A, "00000000000000a1", ROOT, 200), T0.plusSeconds(30)); // after the grace
    CompletedTrace first = completed.readValue();
    assertThat(first.getCompletionReason()).isEqualTo(CompletionReason.ROOT);
    assertThat(first.getSpans()).hasSize(1);
  }
}

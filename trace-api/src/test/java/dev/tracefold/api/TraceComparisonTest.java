package dev.tracefold.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.store.evaluation.TraceScores;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceComparisonTest {
  private static final long MS = 1_000_000L;

  @Test
  void alignsSpansByPathAndOccurrenceAndClassifiesEachChange() {
    StoredTrace a =
        trace(
            "a",
            span("a1", null, "agent", 0, 100).build(),
            span("a2", "a1", "chat", 10, 20).setInputTokens(10L).setOutput("Paris").build(),
            span("a3", "a1", "chat", 30, 20).setInputTokens(10L).build(),
            span("a4", "a1", "search", 50, 5).build());
    StoredTrace b =
        trace(
            "b",
            span("b1", null, "agent", 0, 100).build(),
            span("b2", "b1", "chat", 10, 20).setInputTokens(10L).setOutput("Lyon").build(),
            span("b3", "b1", "chat", 30, 25)
                .setInputTokens(12L)
                .setStatus(SpanStatus.ERROR)
                .build(),
            span("b4", "b1", "chat", 60, 20).build(),
            span("b5", "b4", "tool", 61, 2).build());

    ObjectNode diff = TraceComparison.compare(a, b);

    JsonNode spans = diff.get("spans");
    assertThat(spans)
        .extracting(
            s ->
                s.get("path").toString()
                    + "#"
                    + s.get("occurrence")
                    + " "
                    + s.get("change").asText())
        .containsExactly(
            "[\"agent\"]#0 unchanged",
            "[\"agent\",\"chat\"]#0 changed",
            "[\"agent\",\"chat\"]#1 changed",
            "[\"agent\",\"search\"]#0 removed",
            "[\"agent\",\"chat\"]#2 added",
            "[\"agent\",\"chat\",\"tool\"]#0 added");
    JsonNode firstChat = spans.get(1);
    assertThat(firstChat.get("differences").fieldNames()).toIterable().containsExactly("output");
    assertThat(firstChat.get("differences").get("output").get("a").asText()).isEqualTo("Paris");
    assertThat(firstChat.get("a").get("span_id").asText()).isEqualTo("a2");
    assertThat(firstChat.get("b").get("span_id").asText()).isEqualTo("b2");
    JsonNode secondChat = spans.get(2).get("differences");
    assertThat(secondChat.fieldNames())
        .toIterable()
        .containsExactly("duration_nanos", "input_tokens", "status");
    assertThat(secondChat.get("duration_nanos").get("delta").asLong()).isEqualTo(5 * MS);
    assertThat(secondChat.get("input_tokens").get("delta").asLong()).isEqualTo(2);
    assertThat(secondChat.get("status").get("b").asText()).isEqualTo("ERROR");
    assertThat(spans.get(3).get("b").isNull()).isTrue();
    assertThat(spans.get(4).get("a").isNull()).isTrue();
    JsonNode changes = diff.get("span_changes");
    assertThat(changes.get("added").asInt()).isEqualTo(2);
    assertThat(changes.get("removed").asInt()).isEqualTo(1);
    assertThat(changes.get("changed").asInt()).isEqualTo(2);
    assertThat(changes.get("unchanged").asInt()).isEqualTo(1);
  }

  @Test
  void reportsRollupDeltas() {
    StoredTrace a = trace("a", span("a1", null, "agent", 0, 100).setCostMicrocents(500L).build());
    StoredTrace b =
        trace("b", span("b1", null, "agent", 0, 160).setStatus(SpanStatus.ERROR).build());

    JsonNode rollup = TraceComparison.compare(a, b).get("rollup");

    assertThat(rollup.get("status").get("changed").asBoolean()).isTrue();
    assertThat(rollup.get("duration_nanos").get("delta").asLong()).isEqualTo(60 * MS);
    assertThat(rollup.get("error_count").get("delta").asLong()).isEqualTo(1);
    assertThat(rollup.get("cost_microcents").get("a").asLong()).isEqualTo(500);
    assertThat(rollup.get("cost_microcents").get("b").isNull()).isTrue();
    assertThat(rollup.get("cost_microcents").get("delta").isNull()).isTrue();
    assertThat(rollup.get("span_count").get("delta").asLong()).isZero();
  }

  private static StoredTrace trace(String traceId, Span... spans) {
    List<Span> ordered = new ArrayList<>(List.of(spans));
    ordered.sort(Comparator.comparingLong(Span::getStartEpochNanos).thenComparing(Span::getSpanId));
    return new StoredTrace(
        TraceRollups.compute("p", traceId, ordered),
        TraceState.COMPLETE,
        1,
        null,
        ordered,
        List.of(),
        List.of(),
        null,
        0,
        ordered.size(),
        List.of(),
        TraceScores.NONE,
        List.of());
  }

  private static Span.Builder span(
      String id, String parent, String name, long startMillis, long durationMillis) {
    return Span.newBuilder()
        .setProjectId("p")
        .setTraceId("t")
        .setSpanId(id)
        .setParentSpanId(parent)
        .setName(name)
        .setKind(SpanKind.OTHER)
        .setStartEpochNanos(startMillis * MS)
        .setEndEpochNanos((startMillis + durationMillis) * MS)
        .setStatus(SpanStatus.OK);
  }
}

package dev.tracefold.schemas.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.serde.AvroSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceRollupsTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  private static Span.Builder span(String id, String parent, long startNanos, long endNanos) {
    return Span.newBuilder()
        .setProjectId("p1")
        .setTraceId(TRACE)
        .setSpanId(id)
        .setParentSpanId(parent)
        .setName("span-" + id)
        .setKind(SpanKind.OTHER)
        .setStartEpochNanos(startNanos)
        .setEndEpochNanos(endNanos)
        .setStatus(SpanStatus.UNSET);
  }

  /**
   * An agent run: root "a" (with metadata), two LLM children with tokens, costs, texts and
   * attributes, and a failed tool call; root first.
   */
  private static List<Span> agentTrace() {
    Span root =
        span("a", null, 1_000, 9_000)
            .setName("agent run")
            .setSessionId("s-1")
            .setInput("question")
            .setOutput("answer")
            .setSource("otlp-http-protobuf")
            .setServiceName("svc")
            .setAttributes(Map.of("metadata.env", "prod"))
            .build();
    Span llm =
        span("b", "a", 2_000, 5_000)
            .setKind(SpanKind.LLM)
            .setModel("gpt-4o")
            .setProvider("openai")
            .setInputTokens(100L)
            .setOutputTokens(20L)
            .setCacheReadTokens(50L)
            .setCostMicrocents(1_500L)
            .setCostIsEstimated(true)
            .setTimeToFirstTokenNanos(700L)
            .setUserId("u-7")
            .setTags(List.of("prod", "beta"))
            .setStatus(SpanStatus.OK)
            .setInput("prompt")
            .setOutput("completion")
            .setAttributes(Map.of("metadata.region", "eu", "gen_ai.request.model", "gpt-4o"))
            .setResourceAttributes(Map.of("service.name", "svc"))
            .build();
    Span llm2 =
        span("c", "a", 3_000, 6_000)
            .setKind(SpanKind.LLM)
            .setModel("claude-sonnet-4")
            .setProvider("anthropic")
            .setInputTokens(10L)
            .setOutputTokens(5L)
            .setReasoningTokens(3L)
            .setCostMicrocents(500L)
            .setTimeToFirstTokenNanos(100L)
            .setTags(List.of("prod"))
            .build();
    Span tool =
        span("d", "a", 6_000, 10_000).setKind(SpanKind.TOOL).setStatus(SpanStatus.ERROR).build();

    return List.of(root, llm, llm2, tool);
  }

  @Test
  void aggregatesEveryFigure() {
    List<Span> trace = agentTrace();
    TraceRollup rollup =
        TraceRollups.compute(
            "p1", TRACE, List.of(trace.get(3), trace.get(2), trace.get(1), trace.get(0)));

    assertThat(rollup.getRootSpanId()).isEqualTo("a");
    assertThat(rollup.getRootSpanName()).isEqualTo("agent run");
    assertThat(rollup.getStatus()).isEqualTo(SpanStatus.ERROR);
    assertThat(rollup.getStartEpochNanos()).isEqualTo(1_000);
    assertThat(rollup.getEndEpochNanos()).isEqualTo(10_000);
    assertThat(rollup.getDurationNanos()).isEqualTo(9_000);
    assertThat(rollup.getSpanCount()).isEqualTo(4);
    assertThat(rollup.getErrorCount()).isEqualTo(1);
    assertThat(rollup.getInputTokens()).isEqualTo(110);
    assertThat(rollup.getOutputTokens()).isEqualTo(25);
    assertThat(rollup.getCacheReadTokens()).isEqualTo(50);
    assertThat(rollup.getReasoningTokens()).isEqualTo(3);
    assertThat(rollup.getTotalTokens()).isEqualTo(135);
    assertThat(rollup.getCostMicrocents()).isEqualTo(2_000L);
    assertThat(rollup.getCostIsEstimated()).isTrue();
    // llm first token at 2_700, llm2 at 3_100: the earliest wins, measured from trace start 1_000
    assertThat(rollup.getTimeToFirstTokenNanos()).isEqualTo(1_700L);
    assertThat(rollup.getModels()).containsExactly("claude-sonnet-4", "gpt-4o");
    assertThat(rollup.getProviders()).containsExactly("anthropic", "openai");
    assertThat(rollup.getServiceNames()).containsExactly("svc");
    assertThat(rollup.getSessionId()).isEqualTo("s-1");
    assertThat(rollup.getUserId()).isEqualTo("u-7");
    assertThat(rollup.getTags()).containsExactly("beta", "prod");
    assertThat(rollup.getInput()).isEqualTo("question");
    assertThat(rollup.getOutput()).isEqualTo("answer");
    assertThat(rollup.getSource()).isEqualTo("otlp-http-protobuf");
  }

  @Test
  void statusOkWhenNoErrorAndSomeOk_unsetWhenNone_costNullWhenUnknown() {
    Span a = span("a", null, 1, 2).build();
    Span b = span("b", "a", 1, 2).setStatus(SpanStatus.OK).build();
    assertThat(TraceRollups.compute("p1", TRACE, List.of(a, b)).getStatus())
        .isEqualTo(SpanStatus.OK);
    TraceRollup unset = TraceRollups.compute("p1", TRACE, List.of(a));
    assertThat(unset.getStatus()).isEqualTo(SpanStatus.UNSET);
    assertThat(unset.getCostMicrocents()).isNull();
    assertThat(unset.getTimeToFirstTokenNanos()).isNull();
  }

  @Test
  void rootFallsBackToEarliestOrphanThenToFirstSpanOfACycle() {
    Span orphanLate = span("x", "missing", 50, 60).build();
    Span orphanEarly = span("y", "gone", 10, 20).build();
    Span child = span("z", "y", 5, 30).build();
    assertThat(
            TraceRollups.compute("p1", TRACE, List.of(orphanLate, orphanEarly, child))
                .getRootSpanId())
        .isEqualTo("y");
    Span c1 = span("c1", "c2", 10, 20).build();
    Span c2 = span("c2", "c1", 5, 20).build();
    assertThat(TraceRollups.compute("p1", TRACE, List.of(c1, c2)).getRootSpanId()).isEqualTo("c2");
  }

  @Test
  void refusesAnEmptyTrace() {
    assertThatThrownBy(() -> TraceRollups.compute("p1", TRACE, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A rollup needs at least one span: p1/" + TRACE);
  }

  @Test
  void metadataIsTheRootSpansMetadataAttributes() {
    Span root =
        span("a", null, 1_000, 9_000)
            .setAttributes(
                Map.of(
                    "metadata.env", "prod", "metadata.retries", 3L, "other", "x", "metadata.", "y"))
            .build();
    Span child =
        span("b", "a", 2_000, 3_000).setAttributes(Map.of("metadata.region", "eu")).build();

    TraceRollup rollup = TraceRollups.compute("p1", TRACE, List.of(child, root));

    assertThat(rollup.getMetadata())
        .containsExactlyInAnyOrderEntriesOf(Map.of("env", "prod", "retries", "3"));
  }

  @Test
  void otherSpansDecodedOnlyUpToTheLastFieldReadGiveTheSameRollup() {
    List<Span> trace = agentTrace();
    AvroSerde<Span> full = AvroSerde.of(Span.class);
    AvroSerde<Span> leading = full.withFieldsUpTo(TraceRollups.LAST_FIELD_READ_OF_EVERY_SPAN);

    List<Span> decoded = new ArrayList<>();
    decoded.add(full.decode(full.encode(trace.get(0))));
    trace.subList(1, trace.size()).forEach(span -> decoded.add(leading.decode(full.encode(span))));

    assertThat(decoded.get(1).getAttributes()).isNull();
    assertThat(TraceRollups.compute("p1", TRACE, decoded))
        .isEqualTo(TraceRollups.compute("p1", TRACE, trace));
  }
}

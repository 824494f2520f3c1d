package dev.tracefold.gateway.nativejson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.nativejson.NativeTraceConverter.ConvertedTrace;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class NativeTraceConverterTest {
  private static final long INGESTED_MILLIS = 1_750_000_000_000L;
  private static final String TRACE_ID = "670c0f140bf357e6d99293ad6cf0d246"; // of "my-trace"

  private final NativeTraceConverter converter =
      new NativeTraceConverter(
          new NativeValues(new TraceItemReader(IngestLimits.defaults()).mapper()));

  private ConvertedTrace convert(String json) {
    return converter.convert("proj", JsonMapper.shared().readTree(json), INGESTED_MILLIS);
  }

  private static long nanos(String instant) {
    Instant at = Instant.parse(instant);
    return at.getEpochSecond() * 1_000_000_000L + at.getNano();
  }

  @Test
  void mapsAnAgentTraceToARootSpanAndNestedSpans() {
    ConvertedTrace trace =
        convert(
            """
            {"id": "my-trace", "name": "support run",
             "inputs": {"question": "refund?"}, "outputs": "Refund issued",
             "started_at": "2025-03-01T10:00:00Z", "duration_ms": 2000,
             "tags": ["prod", "support"], "metadata": {"team": "billing", "attempt": 2},
             "session_id": "sess-9", "user_id": "user-3", "release": "1.4.2",
             "spans": [
               {"id": "plan", "name": "plan", "kind": "chain", "started_at": "2025-03-01T10:00:00.100Z",
                "duration_ms": 1500.5,
                "spans": [
                  {"id": "b7ad6b7169203331", "name": "chat gpt-4o", "kind": "llm", "model": "gpt-4o",
                   "provider": "openai", "input_tokens": 1200, "output_tokens": 300,
                   "cache_read_tokens": 1000, "cache_write_tokens": 0, "reasoning_tokens": 5,
                   "cost": 0.00425, "time_to_first_token_ms": 180.25,
                   "input": [{"role": "user", "content": "refund?"}], "output": "Sure.",
                   "started_at": "2025-03-01T11:00:00.200+01:00",
                   "ended_at": "2025-03-01T10:00:01.100Z",
                   "attributes": {"temperature": 0.2, "stream": true, "stop": ["\\n"]},
                   "metadata": {"prompt_version": "v7"}, "trace_level": "debug"},
                  {"name": "lookup order", "kind": "tool", "input": "order 17",
                   "error": {"message": "timeout", "type": "TimeoutError"}}
                ]}
             ]}
            """);

    assertThat(trace.traceId()).isEqualTo(TRACE_ID);
    assertThat(trace.givenId()).isEqualTo("my-trace");
    List<Span> spans = trace.spans();
    assertThat(spans)
        .extracting(Span::getName)
        .containsExactly("support run", "plan", "chat gpt-4o", "lookup order");
    for (Span span : spans) {
      assertThat(span.getProjectId()).isEqualTo("proj");
      assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
      assertThat(span.getSource()).isEqualTo("native-json");
      assertThat(span.getIngestedEpochMillis()).isEqualTo(INGESTED_MILLIS);
    }

    Span root = spans.get(0);
    assertThat(root.getSpanId()).isEqualTo("c091aeee84cd195e");
    assertThat(root.getParentSpanId()).isNull();
    assertThat(root.getKind()).isEqualTo(SpanKind.CHAIN);
    assertThat(root.getStartEpochNanos()).isEqualTo(nanos("2025-03-01T10:00:00Z"));
    assertThat(root.getEndEpochNanos()).isEqualTo(nanos("2025-03-01T10:00:02Z"));
    assertThat(root.getInput()).isEqualTo("{\"question\":\"refund?\"}");
    assertThat(root.getOutput()).isEqualTo("Refund issued");
    assertThat(root.getTags()).containsExactly("prod", "support");
    assertThat(root.getSessionId()).isEqualTo("sess-9");
    assertThat(root.getUserId()).isEqualTo("user-3");
    assertThat(root.getStatus()).isEqualTo(SpanStatus.UNSET);
    assertThat(root.getAttributes())
        .isEqualTo(
            Map.of(
                "tracefold.native_id", "my-trace",
                "release", "1.4.2",
                "metadata.team", "billing",
                "metadata.attempt", 2L));

    Span plan = spans.get(1);
    assertThat(plan.getSpanId()).isEqualTo(TraceIds.spanId(TRACE_ID, "plan"));
    assertThat(plan.getParentSpanId()).isEqualTo(root.getSpanId());
    assertThat(plan.getKind()).isEqualTo(SpanKind.CHAIN);
    assertThat(plan.getEndEpochNanos() - plan.getStartEpochNanos()).isEqualTo(1_500_500_000L);
    assertThat(plan.getAttributes()).containsEntry("tracefold.native_id", "plan");

    Span llm = spans.get(2);
    assertThat(llm.getSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(llm.getParentSpanId()).isEqualTo(plan.getSpanId());
    assertThat(llm.getKind()).isEqualTo(SpanKind.LLM);
    assertThat(llm.getModel()).isEqualTo("gpt-4o");
    assertThat(llm.getProvider()).isEqualTo("openai");
    assertThat(llm.getInputTokens()).isEqualTo(1200L);
    assertThat(llm.getOutputTokens()).isEqualTo(300L);
    assertThat(llm.getCacheReadTokens()).isEqualTo(1000L);
    assertThat(llm.getCacheWriteTokens()).isEqualTo(0L);
    assertThat(llm.getReasoningTokens()).isEqualTo(5L);
    assertThat(llm.getCostMicrocents()).isEqualTo(425_000L);
    assertThat(llm.getCostIsEstimated()).isFalse();
    assertThat(llm.getTimeToFirstTokenNanos()).isEqualTo(180_250_000L);
    assertThat(llm.getInput()).isEqualTo("[{\"role\":\"user\",\"content\":\"refund?\"}]");
    assertThat(llm.getOutput()).isEqualTo("Sure.");
    assertThat(llm.getStartEpochNanos()).isEqualTo(nanos("2025-03-01T10:00:00.200Z"));
    assertThat(llm.getEndEpochNanos()).isEqualTo(nanos("2025-03-01T10:00:01.100Z"));
    assertThat(llm.getAttributes())
        .isEqualTo(
            Map.of(
                "temperature", 0.2,
                "stream", true,
                "stop", "[\"\\n\"]",
                "metadata.prompt_version", "v7",
                "trace_level", "debug"));

    Span tool = spans.get(3);
    assertThat(tool.getSpanId()).isEqualTo(TraceIds.derivedSpanId(TRACE_ID, "/spans/0/spans/1"));
    assertThat(tool.getParentSpanId()).isEqualTo(plan.getSpanId());
    assertThat(tool.getKind()).isEqualTo(SpanKind.TOOL);
    assertThat(tool.getStatus()).isEqualTo(SpanStatus.ERROR);
    assertThat(tool.getStatusMessage()).isEqualTo("timeout");
    assertThat(tool.getAttributes())
        .isEqualTo(Map.of("error", "{\"message\":\"timeout\",\"type\":\"TimeoutError\"}"));
    assertThat(tool.getStartEpochNanos())
        .as("defaults to the parent's start")
        .isEqualTo(plan.getStartEpochNanos());
    assertThat(tool.getEndEpochNanos())
        .as("no end given: its start")
        .isEqualTo(tool.getStartEpochNanos());

    assertThat(trace.pointers())
        .containsEntry(root.getSpanId(), "")
        .containsEntry(llm.getSpanId(), "/spans/0/spans/0")
        .hasSize(4);
  }

  @Test
  void derivesMissingTimesFromSpansOrIngestion() {
    ConvertedTrace fromSpans =
        convert(
            """
            {"id": "0af7651916cd43dd8448eb211c80319c", "name": "t", "spans": [
              {"name": "a", "started_at": "2025-01-01T00:00:05Z", "duration_ms": 1000},
              {"name": "b", "spans": [{"name": "c", "started_at": "2025-01-01T00:00:02Z",
                                        "ended_at": "2025-01-01T00:00:09Z"}]}]}
            """);
    Span root = fromSpans.spans().get(0);
    Span b = fromSpans.spans().get(2);
    assertThat(root.getSpanId()).isEqualTo(TraceIds.derivedSpanId(fromSpans.traceId(), ""));
    assertThat(root.getAttributes()).doesNotContainKey("tracefold.native_id");
    assertThat(root.getStartEpochNanos()).isEqualTo(nanos("2025-01-01T00:00:02Z"));
    assertThat(root.getEndEpochNanos()).isEqualTo(nanos("2025-01-01T00:00:09Z"));
    assertThat(b.getStartEpochNanos()).isEqualTo(root.getStartEpochNanos());
    assertThat(b.getEndEpochNanos())
        .as("covers its child")
        .isEqualTo(nanos("2025-01-01T00:00:09Z"));
    assertThat(fromSpans.spans().get(1).getKind()).isEqualTo(SpanKind.OTHER);

    Span alone = convert("{\"id\": \"x\", \"name\": \"t\", \"error\": \"boom\"}").spans().get(0);
    assertThat(alone.getStartEpochNanos()).isEqualTo(INGESTED_MILLIS * 1_000_000L);
    assertThat(alone.getEndEpochNanos()).isEqualTo(alone.getStartEpochNanos());
    assertThat(alone.getStatus()).isEqualTo(SpanStatus.ERROR);
    assertThat(alone.getStatusMessage()).isEqualTo("boom");
  }

  @Test
  void aModelMakesAnUnkindedSpanAnLlmSpan() {
    Span span =
        convert(
                "{\"id\": \"x\", \"name\": \"t\", \"spans\": [{\"name\": \"c\", \"model\":"
                    + " \"m\"}]}")
            .spans()
            .get(1);

    assertThat(span.getKind()).isEqualTo(SpanKind.LLM);
  }

  @Test
  void refusesSpansEndingBeforeTheyStart() {
    assertThatThrownBy(
            () ->
                convert(
                    """
                    {"id": "x", "name": "t", "spans": [{"name": "ok"}, {"name": "bad",
                     "started_at": "2025-01-01T00:00:05Z", "ended_at": "2025-01-01T00:00:04Z"}]}
                    """))
        .isInstanceOfSatisfying(
            InvalidTraceException.class,
            e -> {
              assertThat(e.pointer()).isEqualTo("/spans/1/ended_at");
              assertThat(e.rule()).isEqualTo("timing");
            })
        .hasMessage(
            "ended_at 2025-01-01T00:00:04Z is before the start 2025-01-01T00:00:05Z; a span must"
                + " not end before it starts");
  }

  @Test
  void refusesASpanIdUsedTwice() {
    assertThatThrownBy(
            () ->
                convert(
                    """
                    {"id": "x", "name": "t", "spans": [{"id": "s", "name": "a",
                      "spans": [{"id": "s", "name": "b"}]}]}
                    """))
        .isInstanceOfSatisfying(
            InvalidTraceException.class,
            e -> {
              assertThat(e.pointer()).isEqualTo("/spans/0/spans/0/id");
              assertThat(e.rule()).isEqualTo("unique");
            })
        .hasMessage(
            "span id 's' is used twice in this trace (also by /spans/0); give each span its own"
                + " id");
  }

  @Test
  void sameInputGivesSameIds() {
    String json =
        "{\"id\": \"x\", \"name\": \"t\", \"spans\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}";

    assertThat(convert(json).spans())
        .extracting(Span::getSpanId)
        .isEqualTo(convert(json).spans().stream().map(Span::getSpanId).toList())
        .doesNotHaveDuplicates();
  }
}

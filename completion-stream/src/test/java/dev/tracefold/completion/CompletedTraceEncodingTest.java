package dev.tracefold.completion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.schemas.serde.AvroSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompletedTraceEncodingTest {
  private static final AvroSerde<Span> SPANS = AvroSerde.of(Span.class);
  private static final AvroSerde<CompletedTrace> TRACES = AvroSerde.of(CompletedTrace.class);

  private static Span span(int i) {
    return Span.newBuilder()
        .setProjectId("p")
        .setTraceId("t".repeat(32))
        .setSpanId(String.format("%016x", i))
        .setParentSpanId(i == 0 ? null : String.format("%016x", 0))
        .setName("op " + i)
        .setKind(SpanKind.LLM)
        .setStartEpochNanos(1_000L * i)
        .setEndEpochNanos(1_000L * i + 500)
        .setStatus(SpanStatus.OK)
        .setInputTokens(10L * i)
        .setAttributes(Map.of("k" + i, "v".repeat(i * 50), "n", (long) i, "metadata.team", "t" + i))
        .setInput("é€ input " + i)
        .build();
  }

  private static CompletedTrace trace(List<Span> spans) {
    return CompletedTrace.newBuilder()
        .setProjectId("p")
        .setTraceId("t".repeat(32))
        .setRevision(3)
        .setCompletionReason(CompletionReason.QUIET)
        .setPartial(false)
        .setFirstArrivalEpochMillis(1)
        .setLastArrivalEpochMillis(2)
        .setCompletedEpochMillis(3)
        .setRollup(
            TraceRollups.compute("p", "t".repeat(32), spans.isEmpty() ? List.of(span(0)) : spans))
        .setSpans(spans)
        .build();
  }

  @Test
  void splicedSpansEncodeExactlyAsTheSerdeDoes() {
    for (int count : new int[] {0, 1, 2, 64, 300}) {
      List<Span> spans = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        spans.add(span(i));
        values.add(SPANS.encode(span(i)));
      }
      byte[] expected = TRACES.encode(trace(spans));
      CompletedTrace withoutSpans =
          CompletedTrace.newBuilder(trace(spans)).setSpans(List.of()).build();
      assertThat(CompletedTraceEncoding.encode(withoutSpans, values))
          .as("%d spans", count)
          .isEqualTo(expected);
      assertThat(TRACES.decode(expected).getSpans()).isEqualTo(spans);
    }
  }

  @Test
  void aSpanWrittenWithAnotherSchemaIsRefused() {
    byte[] foreign = SPANS.encode(span(2));
    foreign[5] ^= 0x55;
    CompletedTrace withoutSpans =
        CompletedTrace.newBuilder(trace(List.of(span(2)))).setSpans(List.of()).build();
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> CompletedTraceEncoding.encode(withoutSpans, List.of(foreign)));
  }
}

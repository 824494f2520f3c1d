package dev.tracefold.gateway.otlp;

import static dev.tracefold.gateway.otlp.OtlpRequests.CHILD_ID;
import static dev.tracefold.gateway.otlp.OtlpRequests.ROOT_ID;
import static dev.tracefold.gateway.otlp.OtlpRequests.TRACE_ID;
import static dev.tracefold.gateway.otlp.OtlpRequests.attr;
import static dev.tracefold.gateway.otlp.OtlpRequests.hex;
import static dev.tracefold.gateway.otlp.OtlpRequests.request;
import static dev.tracefold.gateway.otlp.OtlpRequests.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tracefold.gateway.ingest.NormalizedBatch;
import dev.tracefold.gateway.ingest.RejectionReason;
import dev.tracefold.gateway.ingest.SpanRejection;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanEvent;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.topic.Topics;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpanNormalizerTest {
  private static final long NOW_MILLIS = 1_750_000_000_123L;
  private final SpanNormalizer normalizer =
      new SpanNormalizer(Clock.fixed(Instant.ofEpochMilli(NOW_MILLIS), ZoneOffset.UTC));

  private Span only(io.opentelemetry.proto.trace.v1.Span.Builder span) {
    NormalizedBatch batch = normalizer.normalize("proj-1", "otlp-http-protobuf", request(span));
    assertThat(batch.rejections()).isEmpty();
    assertThat(batch.spans()).hasSize(1);
    return batch.spans().get(0);
  }

  @Test
  void mapsCoreFields() {
    Span span =
        only(
            span("chat gpt-4o", CHILD_ID, ROOT_ID)
                .setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT)
                .setStartTimeUnixNano(1_700_000_000_000_000_001L)
                .setEndTimeUnixNano(1_700_000_000_500_000_001L)
                .setStatus(
                    Status.newBuilder()
                        .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                        .setMessage("rate limited")));

    assertThat(span.getProjectId()).isEqualTo("proj-1");
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getSpanId()).isEqualTo(CHILD_ID);
    assertThat(span.getParentSpanId()).isEqualTo(ROOT_ID);
    assertThat(span.getName()).isEqualTo("chat gpt-4o");
    assertThat(span.getOtelSpanKind()).isEqualTo("CLIENT");
    assertThat(span.getStartEpochNanos()).isEqualTo(1_700_000_000_000_000_001L);
    assertThat(span.getEndEpochNanos()).isEqualTo(1_700_000_000_500_000_001L);
    assertThat(span.getStatus()).isEqualTo(SpanStatus.ERROR);
    assertThat(span.getStatusMessage()).isEqualTo("rate limited");
    assertThat(span.getServiceName()).isEqualTo("agent-svc");
    assertThat(span.getScopeName()).isEqualTo("my.scope");
    assertThat(span.getResourceAttributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("service.name", "agent-svc", "deployment.environment", "test"));
    assertThat(span.getKind()).isEqualTo(SpanKind.OTHER);
    assertThat(span.getSource()).isEqualTo("otlp-http-protobuf");
    assertThat(span.getIngestedEpochMillis()).isEqualTo(NOW_MILLIS);
    assertThat(span.getModel()).isNull();
    assertThat(span.getInputTokens()).isNull();
    assertThat(span.getCostMicrocents()).isNull();
  }

  @Test
  void rootSpanHasNullParentAndUnsetDefaults() {
    Span span = only(span("root", ROOT_ID, null));

    assertThat(span.getParentSpanId()).isNull();
    assertThat(span.getOtelSpanKind()).isNull();
    assertThat(span.getStatus()).isEqualTo(SpanStatus.UNSET);
    assertThat(span.getStatusMessage()).isNull();
  }

  @Test
  void allZeroParentMeansRoot() {
    Span span = only(span("root", ROOT_ID, "0000000000000000"));

    assertThat(span.getParentSpanId()).isNull();
  }

  @Test
  void typesScalarAttributesAndRendersArraysAndMapsAsJson() {
    AnyValue array =
        AnyValue.newBuilder()
            .setArrayValue(
                ArrayValue.newBuilder()
                    .addValues(AnyValue.newBuilder().setStringValue("a"))
                    .addValues(AnyValue.newBuilder().setIntValue(2))
                    .addValues(AnyValue.newBuilder().setBoolValue(true)))
            .build();
    AnyValue kvlist =
        AnyValue.newBuilder()
            .setKvlistValue(
                KeyValueList.newBuilder()
                    .addValues(attr("role", "user"))
                    .addValues(
                        KeyValue.newBuilder()
                            .setKey("nested")
                            .setValue(
                                AnyValue.newBuilder()
                                    .setArrayValue(
                                        ArrayValue.newBuilder()
                                            .addValues(
                                                AnyValue.newBuilder().setDoubleValue(0.5))))))
            .build();
    Span span =
        only(
            span("s", ROOT_ID, null)
                .addAttributes(attr("s", "text"))
                .addAttributes(attr("i", 42L))
                .addAttributes(attr("d", 0.25))
                .addAttributes(attr("b", true))
                .addAttributes(
                    attr(
                        "bytes",
                        AnyValue.newBuilder()
                            .setBytesValue(ByteString.copyFrom(new byte[] {1, 2, 3}))
                            .build()))
                .addAttributes(attr("array", array))
                .addAttributes(attr("map", kvlist))
                .addAttributes(attr("empty", AnyValue.getDefaultInstance())));

    Map<String, Object> attributes = span.getAttributes();
    assertThat(attributes)
        .containsEntry("s", "text")
        .containsEntry("i", 42L)
        .containsEntry("d", 0.25)
        .containsEntry("b", true)
        .containsEntry("bytes", "AQID")
        .containsEntry("array", "[\"a\",2,true]")
        .containsEntry("map", "{\"role\":\"user\",\"nested\":[0.5]}")
        .containsEntry("empty", null);
    // The Avro schema accepts every value type.
    Span decoded =
        Topics.SPANS
            .valueSerde()
            .deserializer()
            .deserialize("t", Topics.SPANS.valueSerde().serializer().serialize("t", span));
    assertThat(decoded.getAttributes()).isEqualTo(attributes);
  }

  @Test
  void mapsEvents() {
    Span span =
        only(
            span("s", ROOT_ID, null)
                .addEvents(
                    io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
                        .setName("gen_ai.content.prompt")
                        .setTimeUnixNano(1_500)
                        .addAttributes(attr("gen_ai.prompt", "hello"))
                        .addAttributes(attr("n", 3L))));

    assertThat(span.getEvents())
        .containsExactly(
            SpanEvent.newBuilder()
                .setName("gen_ai.content.prompt")
                .setTimeEpochNanos(1_500)
                .setAttributes(Map.of("gen_ai.prompt", "hello", "n", 3L))
                .build());
  }

  @Test
  void mapsEveryGenAiAttribute() {
    Span span =
        only(
            span("chat", ROOT_ID, null)
                .addAttributes(attr("gen_ai.request.model", "gpt-4o"))
                .addAttributes(attr("gen_ai.response.model", "gpt-4o-2024-08-06"))
                .addAttributes(attr("gen_ai.provider.name", "openai"))
                .addAttributes(attr("gen_ai.system", "az.ai.openai"))
                .addAttributes(attr("gen_ai.usage.input_tokens", 120L))
                .addAttributes(attr("gen_ai.usage.prompt_tokens", 1L))
                .addAttributes(attr("gen_ai.usage.output_tokens", 45L))
                .addAttributes(attr("gen_ai.usage.completion_tokens", 2L))
                .addAttributes(attr("session.id", "sess-1"))
                .addAttributes(attr("gen_ai.conversation.id", "conv-1"))
                .addAttributes(attr("user.id", "user-7"))
                .addAttributes(attr("gen_ai.operation.name", "chat")));

    assertThat(span.getKind()).isEqualTo(SpanKind.LLM);
    assertThat(span.getModel()).isEqualTo("gpt-4o");
    assertThat(span.getProvider()).isEqualTo("openai");
    assertThat(span.getInputTokens()).isEqualTo(120L);
    assertThat(span.getOutputTokens()).isEqualTo(45L);
    assertThat(span.getSessionId()).isEqualTo("sess-1");
    assertThat(span.getUserId()).isEqualTo("user-7");
    // gpt-4o-2024-08-06: 120 × 2.50 + 45 × 10 = 750 USD per 1M tokens → 75,000 microcents
    assertThat(span.getCostMicrocents()).isEqualTo(75_000L);
    assertThat(span.getCostIsEstimated()).isTrue();
  }

  @Test
  void mapsEventsArraysAndStructuredValuesIntoTheLlmFields() {
    AnyValue tags =
        AnyValue.newBuilder()
            .setArrayValue(
                ArrayValue.newBuilder()
                    .addValues(AnyValue.newBuilder().setStringValue("beta"))
                    .addValues(AnyValue.newBuilder().setStringValue("support")))
            .build();
    AnyValue messages =
        AnyValue.newBuilder()
            .setArrayValue(
                ArrayValue.newBuilder()
                    .addValues(
                        AnyValue.newBuilder()
                            .setKvlistValue(
                                KeyValueList.newBuilder()
                                    .addValues(attr("role", "user"))
                                    .addValues(attr("content", "Hi")))))
            .build();
    Span span =
        only(
            span("ChatCompletion", ROOT_ID, null)
                .setStartTimeUnixNano(1_000_000_000L)
                .setEndTimeUnixNano(3_000_000_000L)
                .addAttributes(attr("openinference.span.kind", "LLM"))
                .addAttributes(attr("llm.model_name", "claude-haiku-4-5-20251001"))
                .addAttributes(attr("llm.provider", "anthropic"))
                .addAttributes(attr("llm.token_count.prompt", 1000L))
                .addAttributes(attr("llm.token_count.prompt_details.cache_read", 600L))
                .addAttributes(attr("llm.token_count.prompt_details.cache_write", 300L))
                .addAttributes(attr("llm.token_count.completion", 200L))
                .addAttributes(attr("llm.token_count.completion_details.reasoning", 50L))
                .addAttributes(attr("tag.tags", tags))
                .addAttributes(attr("gen_ai.input.messages", messages))
                .addAttributes(attr("output.value", "Hello!"))
                .addEvents(
                    io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
                        .setName("First Token Stream Event")
                        .setTimeUnixNano(1_250_000_000L)));

    assertThat(span.getKind()).isEqualTo(SpanKind.LLM);
    assertThat(span.getModel()).isEqualTo("claude-haiku-4-5-20251001");
    assertThat(span.getProvider()).isEqualTo("anthropic");
    assertThat(span.getInputTokens()).isEqualTo(1000L);
    assertThat(span.getOutputTokens()).isEqualTo(200L);
    assertThat(span.getCacheReadTokens()).isEqualTo(600L);
    assertThat(span.getCacheWriteTokens()).isEqualTo(300L);
    assertThat(span.getReasoningTokens()).isEqualTo(50L);
    // claude-haiku-4-5: 100 × 1 + 600 × 0.10 + 300 × 1.25 + 150 × 5 + 50 × 5
    //   = 100 + 60 + 375 + 750 + 250 = 1535 → 153,500 microcents
    assertThat(span.getCostMicrocents()).isEqualTo(153_500L);
    assertThat(span.getCostIsEstimated()).isTrue();
    assertThat(span.getTimeToFirstTokenNanos()).isEqualTo(250_000_000L);
    assertThat(span.getTags()).containsExactly("beta", "support");
    assertThat(span.getInput()).isEqualTo("[{\"role\":\"user\",\"content\":\"Hi\"}]");
    assertThat(span.getOutput()).isEqualTo("Hello!");
    Span decoded =
        Topics.SPANS
            .valueSerde()
            .deserializer()
            .deserialize("t", Topics.SPANS.valueSerde().serializer().serialize("t", span));
    assertThat(decoded).isEqualTo(span);
  }

  @Test
  void fallsBackToResponseModelAndDeprecatedNames() {
    Span span =
        only(
            span("chat", ROOT_ID, null)
                .addAttributes(attr("gen_ai.response.model", "claude-sonnet-4"))
                .addAttributes(attr("gen_ai.system", "anthropic"))
                .addAttributes(attr("gen_ai.usage.prompt_tokens", 10L))
                .addAttributes(attr("gen_ai.usage.completion_tokens", 20L))
                .addAttributes(attr("gen_ai.conversation.id", "conv-9")));

    assertThat(span.getKind()).isEqualTo(SpanKind.LLM);
    assertThat(span.getModel()).isEqualTo("claude-sonnet-4");
    assertThat(span.getProvider()).isEqualTo("anthropic");
    assertThat(span.getInputTokens()).isEqualTo(10L);
    assertThat(span.getOutputTokens()).isEqualTo(20L);
    assertThat(span.getSessionId()).isEqualTo("conv-9");
    assertThat(span.getUserId()).isNull();
  }

  @Test
  void coercesTokensGivenAsStringsOrIntegralDoubles() {
    Span span =
        only(
            span("chat", ROOT_ID, null)
                .addAttributes(attr("gen_ai.request.model", "m"))
                .addAttributes(attr("gen_ai.usage.input_tokens", "300"))
                .addAttributes(attr("gen_ai.usage.output_tokens", 7.0)));

    assertThat(span.getInputTokens()).isEqualTo(300L);
    assertThat(span.getOutputTokens()).isEqualTo(7L);
  }

  @Test
  void unusableTokenValueFallsThroughToTheNextKey() {
    Span span =
        only(
            span("chat", ROOT_ID, null)
                .addAttributes(attr("gen_ai.usage.input_tokens", 2.5))
                .addAttributes(attr("gen_ai.usage.prompt_tokens", "11"))
                .addAttributes(attr("gen_ai.usage.output_tokens", "many")));

    assertThat(span.getInputTokens()).isEqualTo(11L);
    assertThat(span.getOutputTokens()).isNull();
    assertThat(span.getKind()).isEqualTo(SpanKind.OTHER);
  }

  @Test
  void executeToolOperationIsAToolSpan() {
    Span span =
        only(
            span("execute_tool get_weather", ROOT_ID, null)
                .addAttributes(attr("gen_ai.operation.name", "execute_tool"))
                .addAttributes(attr("gen_ai.tool.name", "get_weather")));

    assertThat(span.getKind()).isEqualTo(SpanKind.TOOL);
    assertThat(span.getModel()).isNull();
  }

  @Test
  void rejectsInvalidSpansAndKeepsTheRest() {
    NormalizedBatch batch =
        normalizer.normalize(
            "p",
            "otlp-http-protobuf",
            request(
                span("ok", ROOT_ID, null),
                span("short trace", CHILD_ID, null).setTraceId(hex("0102")),
                span("zero trace", CHILD_ID, null)
                    .setTraceId(hex("00000000000000000000000000000000")),
                span("short span", CHILD_ID, null).setSpanId(hex("010203")),
                span("zero span", CHILD_ID, null).setSpanId(hex("0000000000000000")),
                span("bad parent", CHILD_ID, null).setParentSpanId(hex("0102030405")),
                span("", CHILD_ID, null),
                span("backwards", CHILD_ID, ROOT_ID).setStartTimeUnixNano(10).setEndTimeUnixNano(5),
                span("ok too", CHILD_ID, ROOT_ID),
                // issue #12: an unsigned start past 2^63 read as a negative long was accepted
                span("far future", CHILD_ID, ROOT_ID)
                    .setStartTimeUnixNano(-2)
                    .setEndTimeUnixNano(5)));

    assertThat(batch.spans()).extracting(Span::getName).containsExactly("ok", "ok too");
    assertThat(batch.rejections())
        .containsExactly(
            new SpanRejection(
                RejectionReason.INVALID_TRACE_ID,
                "span #1 'short trace': trace_id must be 16 bytes (32 hex characters), got 2"
                    + " bytes"),
            new SpanRejection(
                RejectionReason.INVALID_TRACE_ID,
                "span #2 'zero trace': trace_id must not be all zeros"),
            new SpanRejection(
                RejectionReason.INVALID_SPAN_ID,
                "span #3 'short span': span_id must be 8 bytes (16 hex characters), got 3 bytes"),
            new SpanRejection(
                RejectionReason.INVALID_SPAN_ID,
                "span #4 'zero span': span_id must not be all zeros"),
            new SpanRejection(
                RejectionReason.INVALID_PARENT_SPAN_ID,
                "span #5 'bad parent': parent_span_id must be empty or 8 bytes (16 hex characters),"
                    + " got 5 bytes"),
            new SpanRejection(RejectionReason.MISSING_NAME, "span #6: name is missing"),
            new SpanRejection(
                RejectionReason.END_BEFORE_START,
                "span #7 'backwards': end_time_unix_nano (5) is before start_time_unix_nano (10)"),
            new SpanRejection(
                RejectionReason.INVALID_TIME,
                "span #9 'far future': start_time_unix_nano (18446744073709551614) and"
                    + " end_time_unix_nano (5) must be below 2^63 (year 2262)"));
    assertThat(batch.totalSpans()).isEqualTo(10);
  }

  @Test
  void rejectionsQuoteAtMostTheFirstHundredCharactersOfAName() {
    // issue #12: whole names were quoted, five megabyte names made a 15 MB answer
    String huge = "n".repeat(1_000_000);
    NormalizedBatch batch =
        normalizer.normalize(
            "p", "otlp-http-protobuf", request(span(huge, CHILD_ID, null).setTraceId(hex("0102"))));

    assertThat(batch.rejections())
        .extracting(SpanRejection::message)
        .containsExactly(
            "span #0 '"
                + "n".repeat(100)
                + "…' (1000000 characters): trace_id must be 16 bytes (32 hex characters), got 2"
                + " bytes");
    // never half a surrogate pair: the 100th character would be the first half of an emoji
    assertThat(SpanRejection.quotedName("a" + "😀".repeat(60)))
        .isEqualTo("'a" + "😀".repeat(49) + "…' (121 characters)");
  }

  @Test
  void emptyRequestGivesEmptyBatch() {
    NormalizedBatch batch =
        normalizer.normalize(
            "p",
            "otlp-http-json",
            io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest
                .getDefaultInstance());

    assertThat(batch.spans()).isEmpty();
    assertThat(batch.rejections()).isEmpty();
  }

  @Test
  void spansOfSeveralResourcesKeepTheirOwnService() {
    var first = request(span("a", ROOT_ID, null));
    var second =
        request(span("b", CHILD_ID, ROOT_ID)).getResourceSpans(0).toBuilder()
            .setResource(
                io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                    .addAttributes(attr("service.name", "tool-svc")))
            .build();
    NormalizedBatch batch =
        normalizer.normalize(
            "p", "otlp-http-protobuf", first.toBuilder().addResourceSpans(second).build());

    assertThat(batch.spans())
        .extracting(Span::getName, Span::getServiceName)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", "agent-svc"),
            org.assertj.core.groups.Tuple.tuple("b", "tool-svc"));
    assertThat(batch.spans().get(1).getResourceAttributes())
        .isEqualTo(Map.of("service.name", "tool-svc"));
    assertThat(List.of(batch.spans().get(0).getSource())).containsExactly("otlp-http-protobuf");
  }
}

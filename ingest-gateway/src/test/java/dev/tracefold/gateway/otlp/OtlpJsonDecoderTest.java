package dev.tracefold.gateway.otlp;

import static dev.tracefold.gateway.otlp.OtlpRequests.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.RequestRefusedException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OtlpJsonDecoderTest {
  private static ExportTraceServiceRequest decode(String json) {
    return decode(IngestLimits.defaults(), json);
  }

  private static ExportTraceServiceRequest decode(IngestLimits limits, String json) {
    return new OtlpJsonDecoder(limits).decode(json.getBytes(StandardCharsets.UTF_8));
  }

  private static Span onlySpan(ExportTraceServiceRequest request) {
    return request.getResourceSpans(0).getScopeSpans(0).getSpans(0);
  }

  @Test
  void decodesHexIdsIntegerEnumsAndStringInt64s() {
    ExportTraceServiceRequest request =
        decode(
            """
            {"resourceSpans":[{
              "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
              "scopeSpans":[{"scope":{"name":"sc"},"spans":[{
                "traceId":"5B8EFFF798038103D269B633813FC60C",
                "spanId":"eee19b7ec3c1b174",
                "parentSpanId":"eee19b7ec3c1b173",
                "name":"chat",
                "kind":3,
                "startTimeUnixNano":"1544712660000000000",
                "endTimeUnixNano":1544712661000000000,
                "attributes":[
                  {"key":"gen_ai.usage.input_tokens","value":{"intValue":"12"}},
                  {"key":"pi","value":{"doubleValue":3.5}},
                  {"key":"ok","value":{"boolValue":true}}],
                "events":[{"timeUnixNano":"1544712660500000000","name":"e"}],
                "links":[{"traceId":"5b8efff798038103d269b633813fc60d","spanId":"eee19b7ec3c1b175"}],
                "status":{"code":2,"message":"boom"}
              }]}]
            }]}
            """);

    Span span = onlySpan(request);
    assertThat(span.getTraceId()).isEqualTo(hex("5b8efff798038103d269b633813fc60c"));
    assertThat(span.getSpanId()).isEqualTo(hex("eee19b7ec3c1b174"));
    assertThat(span.getParentSpanId()).isEqualTo(hex("eee19b7ec3c1b173"));
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(span.getStartTimeUnixNano()).isEqualTo(1544712660000000000L);
    assertThat(span.getEndTimeUnixNano()).isEqualTo(1544712661000000000L);
    assertThat(span.getAttributes(0).getValue().getIntValue()).isEqualTo(12L);
    assertThat(span.getAttributes(1).getValue().getDoubleValue()).isEqualTo(3.5);
    assertThat(span.getAttributes(2).getValue().getBoolValue()).isTrue();
    assertThat(span.getEvents(0).getTimeUnixNano()).isEqualTo(1544712660500000000L);
    assertThat(span.getLinks(0).getTraceId()).isEqualTo(hex("5b8efff798038103d269b633813fc60d"));
    assertThat(span.getLinks(0).getSpanId()).isEqualTo(hex("eee19b7ec3c1b175"));
    assertThat(span.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.getStatus().getMessage()).isEqualTo("boom");
    assertThat(request.getResourceSpans(0).getScopeSpans(0).getScope().getName()).isEqualTo("sc");
  }

  @Test
  void acceptsSnakeCaseKeysEnumNamesAndIgnoresUnknownFields() {
    Span span =
        onlySpan(
            decode(
                """
                {"resource_spans":[{"scope_spans":[{"spans":[{
                  "trace_id":"5b8efff798038103d269b633813fc60c",
                  "span_id":"eee19b7ec3c1b174",
                  "parent_span_id":"",
                  "name":"n",
                  "kind":"SPAN_KIND_SERVER",
                  "start_time_unix_nano":1,
                  "end_time_unix_nano":"2",
                  "attributes":[{"key":"b","value":{"bytes_value":"AQID"}}],
                  "status":{"code":"STATUS_CODE_OK"},
                  "some_future_field":{"x":1}
                }]}]}],
                 "another_unknown":true}
                """));

    assertThat(span.getTraceId()).isEqualTo(hex("5b8efff798038103d269b633813fc60c"));
    assertThat(span.getParentSpanId().isEmpty()).isTrue();
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span.getEndTimeUnixNano()).isEqualTo(2L);
    assertThat(span.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_OK);
    // AnyValue bytes stay base64, as the OTLP JSON mapping says.
    assertThat(span.getAttributes(0).getValue())
        .isEqualTo(
            AnyValue.newBuilder()
                .setBytesValue(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2, 3}))
                .build());
  }

  @Test
  void wrongLengthHexIdsDecodeSoThatValidationRejectsTheSpan() {
    Span span =
        onlySpan(
            decode(
                """
                {"resourceSpans":[{"scopeSpans":[{"spans":[{
                  "traceId":"abcd","spanId":"eee19b7ec3c1b174","name":"n"}]}]}]}
                """));

    assertThat(span.getTraceId().size()).isEqualTo(2);
  }

  @Test
  void keepsBase64IdsOfTheRightLength() {
    // Older exporters sent ids as base64 (the plain proto3 JSON mapping).
    Span span =
        onlySpan(
            decode(
                """
                {"resourceSpans":[{"scopeSpans":[{"spans":[{
                  "traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","name":"n"}]}]}]}
                """));

    assertThat(span.getTraceId()).isEqualTo(hex("5b8efff798038103d269b633813fc60c"));
    assertThat(span.getSpanId()).isEqualTo(hex("eee19b7ec3c1b174"));
  }

  @Test
  void rejectsIdsThatAreNeitherHexNorBase64() {
    assertThatThrownBy(
            () ->
                decode(
                    """
                    {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz!","name":"n"}]}]}]}
                    """))
        .isInstanceOfSatisfying(
            RequestRefusedException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
        .hasMessage(
            "resourceSpans[0].scopeSpans[0].spans[0].traceId must be a hex string"
                + " (32 hex characters), got 'xyz!'");
  }

  @Test
  void rejectsMalformedJson() {
    assertThatThrownBy(() -> decode("{\"resourceSpans\": ["))
        .isInstanceOfSatisfying(
            RequestRefusedException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
        .hasMessageStartingWith("body is not valid JSON: ");
    assertThatThrownBy(() -> decode("{} {}")).hasMessageStartingWith("body is not valid JSON: ");
    assertThatThrownBy(() -> decode("[1,2]"))
        .hasMessage("body must be a JSON object (an ExportTraceServiceRequest)");
    assertThatThrownBy(() -> decode(""))
        .hasMessage("body must be a JSON object (an ExportTraceServiceRequest)");
  }

  @Test
  void rejectsJsonThatIsNotAnExportRequest() {
    assertThatThrownBy(
            () ->
                decode(
                    """
                    {"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"n","kind":"NOT_A_KIND",
                      "startTimeUnixNano":"soon"}]}]}]}
                    """))
        .isInstanceOfSatisfying(
            RequestRefusedException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
        .hasMessageStartingWith("body is not a valid OTLP/JSON ExportTraceServiceRequest: ");
  }

  @Test
  void emptyObjectIsAnEmptyRequest() {
    assertThat(decode("{}")).isEqualTo(ExportTraceServiceRequest.getDefaultInstance());
  }

  @Test
  void refusesNestingDeeperThanTheLimit() {
    IngestLimits limits = IngestLimits.defaults().withJsonLimits(4, 100);
    assertThat(decode(limits, "{\"resourceSpans\":[{\"scopeSpans\":[]}]}").getResourceSpansCount())
        .isEqualTo(1);

    assertThatThrownBy(
            () -> decode(limits, "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[]}]}]}"))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage(
            "JSON nesting is deeper than the limit of 4 (tracefold.gateway.max-json-nesting-depth)")
        .satisfies(e -> assertThat(((RequestRefusedException) e).httpStatus()).isEqualTo(400));
  }

  @Test
  void refusesStringsLongerThanTheLimit() {
    IngestLimits limits = IngestLimits.defaults().withJsonLimits(64, 10);
    String longName = "x".repeat(11);

    assertThatThrownBy(() -> decode(limits, "{\"resourceSpans\":[],\"k\":\"" + longName + "\"}"))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage(
            "a JSON string is longer than the limit of 10 characters"
                + " (tracefold.gateway.max-json-string-length)");
  }
}

package dev.tracefold.gateway.otlp;

import com.google.protobuf.ByteString;
import dev.tracefold.gateway.ingest.AttributeMapping;
import dev.tracefold.gateway.ingest.LlmAttributes;
import dev.tracefold.gateway.ingest.NormalizedBatch;
import dev.tracefold.gateway.ingest.RejectionReason;
import dev.tracefold.gateway.ingest.SpanRejection;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanEvent;
import dev.tracefold.schemas.SpanStatus;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Validates OTLP spans and normalises the valid ones into Avro {@link Span}s.
 *
 * <p>A span is rejected when its trace id is not 16 bytes or is all zeros, its span id is not 8
 * bytes or is all zeros, its parent span id is neither empty nor 8 bytes, its name is empty, or it
 * ends before it starts. An all-zero parent span id is read as "no parent" (it is the invalid span
 * context OpenTelemetry uses for roots). Rejections name the span by its 0-based position in the
 * request ({@code span #3}).
 *
 * <p>Mapping: ids as lowercase hex; {@code otelSpanKind} the OTLP kind without its {@code
 * SPAN_KIND_} prefix (null when unspecified); status and message; {@code serviceName} from the
 * resource attribute {@code service.name}; {@code scopeName}; span, resource and event attributes
 * via {@link AnyValues}; the LLM fields (kind, model, tokens, cost, time to first token, session,
 * user, tags, input, output) via {@link AttributeMapping} from the attributes, events and start;
 * {@code source} as given; {@code ingestedEpochMillis} from the clock. Links are not kept (the Avro
 * schema has no field for them).
 *
 * <p>Immutable and thread-safe.
 */
public final class SpanNormalizer {
  private static final HexFormat HEX = HexFormat.of();
  private static final int TRACE_ID_BYTES = 16;
  private static final int SPAN_ID_BYTES = 8;

  private final Clock clock;

  /**
   * @param clock wall clock of {@code ingestedEpochMillis}
   */
  public SpanNormalizer(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Validates and normalises every span of one export request.
   *
   * @param projectId project the spans belong to (already validated)
   * @param source how they arrived, e.g. {@code otlp-http-protobuf}
   * @param request the decoded request
   * @return the valid spans and the rejections, both in request order
   */
  public NormalizedBatch normalize(
      String projectId, String source, ExportTraceServiceRequest request) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(source, "source");
    long ingestedEpochMillis = clock.millis();
    List<Span> spans = new ArrayList<>();
    List<SpanRejection> rejections = new ArrayList<>();
    int index = 0;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Map<String, Object> resourceAttributes =
          Collections.unmodifiableMap(
              AnyValues.toMap(resourceSpans.getResource().getAttributesList()));
      Object service = resourceAttributes.get("service.name");
      String serviceName = service == null ? null : emptyToNull(service.toString());
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        String scopeName = emptyToNull(scopeSpans.getScope().getName());
        for (io.opentelemetry.proto.trace.v1.Span otlp : scopeSpans.getSpansList()) {
          SpanRejection rejection = validate(index, otlp);
          if (rejection != null) {
            rejections.add(rejection);
          } else {
            spans.add(
                toSpan(
                    otlp,
                    projectId,
                    source,
                    ingestedEpochMillis,
                    serviceName,
                    scopeName,
                    resourceAttributes));
          }
          index++;
        }
      }
    }
    return new NormalizedBatch(spans, rejections);
  }

  private static SpanRejection validate(int index, io.opentelemetry.proto.trace.v1.Span span) {
    String what =
        "span #"
            + index
            + (span.getName().isEmpty() ? "" : " " + SpanRejection.quotedName(span.getName()));
    ByteString traceId = span.getTraceId();
    if (traceId.size() != TRACE_ID_BYTES) {
      return new SpanRejection(
          RejectionReason.INVALID_TRACE_ID,
          what
              + ": trace_id must be 16 bytes (32 hex characters), got "
              + traceId.size()
              + " bytes");
    }
    if (allZero(traceId)) {
      return new SpanRejection(
          RejectionReason.INVALID_TRACE_ID, what + ": trace_id must not be all zeros");
    }
    ByteString spanId = span.getSpanId();
    if (spanId.size() != SPAN_ID_BYTES) {
      return new SpanRejection(
          RejectionReason.INVALID_SPAN_ID,
          what + ": span_id must be 8 bytes (16 hex characters), got " + spanId.size() + " bytes");
    }
    if (allZero(spanId)) {
      return new SpanRejection(
          RejectionReason.INVALID_SPAN_ID, what + ": span_id must not be all zeros");
    }
    int parentBytes = span.getParentSpanId().size();
    if (parentBytes != 0 && parentBytes != SPAN_ID_BYTES) {
      return new SpanRejection(
          RejectionReason.INVALID_PARENT_SPAN_ID,
          what
              + ": parent_span_id must be empty or 8 bytes (16 hex characters), got "
              + parentBytes
              + " bytes");
    }
    if (span.getName().isEmpty()) {
      return new SpanRejection(RejectionReason.MISSING_NAME, what + ": name is missing");
    }
    if (span.getStartTimeUnixNano() < 0 || span.getEndTimeUnixNano() < 0) {
      // fixed64 read as a signed long: at or past 2^63 ns (year 2262) it is negative here
      return new SpanRejection(
          RejectionReason.INVALID_TIME,
          what
              + ": start_time_unix_nano ("
              + Long.toUnsignedString(span.getStartTimeUnixNano())
              + ") and end_time_unix_nano ("
              + Long.toUnsignedString(span.getEndTimeUnixNano())
              + ") must be below 2^63 (year 2262)");
    }
    if (span.getEndTimeUnixNano() < span.getStartTimeUnixNano()) {
      return new SpanRejection(
          RejectionReason.END_BEFORE_START,
          what
              + ": end_time_unix_nano ("
              + span.getEndTimeUnixNano()
              + ") is before start_time_unix_nano ("
              + span.getStartTimeUnixNano()
              + ")");
    }
    return null;
  }

  private static Span toSpan(
      io.opentelemetry.proto.trace.v1.Span otlp,
      String projectId,
      String source,
      long ingestedEpochMillis,
      String serviceName,
      String scopeName,
      Map<String, Object> resourceAttributes) {
    Map<String, Object> attributes = AnyValues.toMap(otlp.getAttributesList());
    ByteString parent = otlp.getParentSpanId();
    List<SpanEvent> events = new ArrayList<>(otlp.getEventsCount());
    for (io.opentelemetry.proto.trace.v1.Span.Event event : otlp.getEventsList()) {
      events.add(
          SpanEvent.newBuilder()
              .setName(event.getName())
              .setTimeEpochNanos(event.getTimeUnixNano())
              .setAttributes(AnyValues.toMap(event.getAttributesList()))
              .build());
    }
    LlmAttributes llm = AttributeMapping.extract(attributes, events, otlp.getStartTimeUnixNano());
    return llm.applyTo(Span.newBuilder())
        .setProjectId(projectId)
        .setTraceId(hex(otlp.getTraceId()))
        .setSpanId(hex(otlp.getSpanId()))
        .setParentSpanId(parent.isEmpty() || allZero(parent) ? null : hex(parent))
        .setName(otlp.getName())
        .setOtelSpanKind(otelKind(otlp.getKind()))
        .setStartEpochNanos(otlp.getStartTimeUnixNano())
        .setEndEpochNanos(otlp.getEndTimeUnixNano())
        .setStatus(status(otlp.getStatus().getCode()))
        .setStatusMessage(emptyToNull(otlp.getStatus().getMessage()))
        .setServiceName(serviceName)
        .setScopeName(scopeName)
        .setAttributes(attributes)
        .setResourceAttributes(resourceAttributes)
        .setEvents(events)
        .setSource(source)
        .setIngestedEpochMillis(ingestedEpochMillis)
        .build();
  }

  private static String otelKind(io.opentelemetry.proto.trace.v1.Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_INTERNAL -> "INTERNAL";
      case SPAN_KIND_SERVER -> "SERVER";
      case SPAN_KIND_CLIENT -> "CLIENT";
      case SPAN_KIND_PRODUCER -> "PRODUCER";
      case SPAN_KIND_CONSUMER -> "CONSUMER";
      case SPAN_KIND_UNSPECIFIED, UNRECOGNIZED -> null;
    };
  }

  private static SpanStatus status(io.opentelemetry.proto.trace.v1.Status.StatusCode code) {
    return switch (code) {
      case STATUS_CODE_OK -> SpanStatus.OK;
      case STATUS_CODE_ERROR -> SpanStatus.ERROR;
      case STATUS_CODE_UNSET, UNRECOGNIZED -> SpanStatus.UNSET;
    };
  }

  private static String hex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }

  private static boolean allZero(ByteString bytes) {
    for (int i = 0; i < bytes.size(); i++) {
      if (bytes.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static String emptyToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }
}

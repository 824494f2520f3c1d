package dev.tracefold.gateway.nativejson;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Turns one schema-valid native trace into Avro {@link Span}s (source {@value #SOURCE}).
 *
 * <p>The trace itself becomes the root span (kind {@code CHAIN}): its {@code name}, {@code inputs}
 * and {@code outputs} as input and output text, {@code tags}, {@code session_id}, {@code user_id},
 * {@code error} as status, {@code metadata} as attributes {@code metadata.<key>}, {@code
 * attributes} under their own keys, and every other field as an attribute under its own name. Each
 * span in {@code spans} (recursively) becomes a child of its enclosing span, with {@code kind},
 * {@code model}, {@code provider}, token counts, {@code cost} (USD → microcents, reported, not
 * estimated), {@code time_to_first_token_ms}, {@code input}, {@code output}, {@code error}, {@code
 * tags}, {@code metadata}, {@code attributes} and unknown fields mapped the same way. Ids follow
 * {@link TraceIds}; a hashed id is kept as attribute {@value #NATIVE_ID_KEY}.
 *
 * <p>Times: a span starts at {@code started_at}, else at its parent's start; it ends at {@code
 * ended_at}, else {@code started_at + duration_ms}, else at the latest end of its descendants (at
 * least its start). The root starts at the trace's {@code started_at}, else at the earliest {@code
 * started_at} of any span, else at ingestion time. A span that ends before it starts, or two spans
 * with one id, make the trace invalid ({@link InvalidTraceException}).
 *
 * <p>Immutable and thread-safe.
 */
final class NativeTraceConverter {
  /** Span source of native traces. */
  static final String SOURCE = "native-json";

  /** Attribute holding an id as given, when it was hashed. */
  static final String NATIVE_ID_KEY = "tracefold.native_id";

  private static final Set<String> TRACE_FIELDS =
      Set.of(
          "id",
          "name",
          "inputs",
          "outputs",
          "spans",
          "tags",
          "metadata",
          "started_at",
          "ended_at",
          "duration_ms",
          "session_id",
          "user_id",
          "error",
          "attributes");

  private static final Set<String> SPAN_FIELDS =
      Set.of(
          "id",
          "name",
          "kind",
          "model",
          "provider",
          "input_tokens",
          "output_tokens",
          "cache_read_tokens",
          "cache_write_tokens",
          "reasoning_tokens",
          "cost",
          "time_to_first_token_ms",
          "input",
          "output",
          "error",
          "started_at",
          "ended_at",
          "duration_ms",
          "session_id",
          "user_id",
          "tags",
          "metadata",
          "attributes",
          "spans");

  private final NativeValues values;

  /**
   * @param values reads typed values and renders JSON text
   */
  NativeTraceConverter(NativeValues values) {
    this.values = Objects.requireNonNull(values, "values");
  }

  /**
   * Converts one trace that passed the schema.
   *
   * @param projectId project of the spans
   * @param trace the trace object
   * @param ingestedEpochMillis wall clock of ingestion (also the root's start when nothing else
   *     gives one)
   * @return the trace id and its spans, root first
   * @throws InvalidTraceException when times are inconsistent or a span id repeats
   */
  ConvertedTrace convert(String projectId, JsonNode trace, long ingestedEpochMillis) {
    String givenId = trace.get("id").asString();
    String traceId = TraceIds.traceId(givenId);
    Conversion conversion = new Conversion(projectId, traceId, ingestedEpochMillis);

    Long explicitStart = NativeValues.epochNanos(trace, "", "started_at");
    Long earliest = earliestStart(trace.get("spans"), "/spans");
    long start =
        explicitStart != null
            ? explicitStart
            : earliest != null ? earliest : Math.multiplyExact(ingestedEpochMillis, 1_000_000L);
    String rootId = TraceIds.derivedSpanId(traceId, "");
    conversion.claim(rootId, "", givenId);
    conversion.spans.add(null); // the root, built once its end is known
    long childrenEnd = conversion.children(trace.get("spans"), "/spans", rootId, start);
    long end = end(trace, "", start, childrenEnd);

    Map<String, Object> attributes = new LinkedHashMap<>();
    if (!TraceIds.isKept(givenId, traceId)) {
      attributes.put(NATIVE_ID_KEY, givenId);
    }
    addFreeForm(trace, TRACE_FIELDS, attributes);
    Span.Builder root =
        conversion
            .base(rootId, null, NativeValues.string(trace, "name"), start, end, trace, attributes)
            .setKind(SpanKind.CHAIN)
            .setInput(values.text(trace.get("inputs")))
            .setOutput(values.text(trace.get("outputs")));
    conversion.spans.set(0, root.build());
    return new ConvertedTrace(traceId, givenId, conversion.spans, conversion.pointers);
  }

  private Long earliestStart(JsonNode spans, String pointer) {
    Long earliest = null;
    for (int i = 0; spans != null && i < spans.size(); i++) {
      JsonNode span = spans.get(i);
      String spanPointer = pointer + "/" + i;
      Long start = NativeValues.epochNanos(span, spanPointer, "started_at");
      Long nested = earliestStart(span.get("spans"), spanPointer + "/spans");
      earliest = min(earliest, min(start, nested));
    }
    return earliest;
  }

  /** The end of a trace or span: ended_at, else start + duration_ms, else its children's end. */
  private static long end(JsonNode node, String pointer, long start, long childrenEnd) {
    Long ended = NativeValues.epochNanos(node, pointer, "ended_at");
    Long duration = NativeValues.millisAsNanos(node, pointer, "duration_ms");
    long end;
    if (ended != null) {
      end = ended;
    } else if (duration != null) {
      try {
        end = Math.addExact(start, duration);
      } catch (ArithmeticException e) {
        throw new InvalidTraceException(
            pointer + "/duration_ms", "range", "duration_ms reaches past the year 2262");
      }
    } else {
      return Math.max(start, childrenEnd);
    }
    if (end < start) {
      throw new InvalidTraceException(
          pointer + "/ended_at",
          "timing",
          "ended_at "
              + Instant.ofEpochSecond(0, end)
              + " is before the start "
              + Instant.ofEpochSecond(0, start)
              + "; a span must not end before it starts");
    }
    return end;
  }

  private void addFreeForm(JsonNode node, Set<String> known, Map<String, Object> attributes) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!known.contains(field.getKey())) {
        attributes.put(field.getKey(), values.attribute(field.getValue()));
      }
    }
    JsonNode metadata = node.get("metadata");
    if (metadata != null && metadata.isObject()) {
      for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
        attributes.put("metadata." + entry.getKey(), values.attribute(entry.getValue()));
      }
    }
    JsonNode explicit = node.get("attributes");
    if (explicit != null && explicit.isObject()) {
      for (Map.Entry<String, JsonNode> entry : explicit.properties()) {
        attributes.put(entry.getKey(), values.attribute(entry.getValue()));
      }
    }
  }

  private static SpanKind kind(JsonNode span) {
    String kind = NativeValues.string(span, "kind");
    if (kind == null) {
      return NativeValues.string(span, "model") != null ? SpanKind.LLM : SpanKind.OTHER;
    }
    return switch (kind) {
      case "llm" -> SpanKind.LLM;
      case "tool" -> SpanKind.TOOL;
      case "retrieval" -> SpanKind.RETRIEVAL;
      case "chain" -> SpanKind.CHAIN;
      default -> SpanKind.OTHER;
    };
  }

  private static Long min(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.min(a, b);
  }

  /** The state of converting one trace: its spans so far and the pointer of each span id. */
  private final class Conversion {
    final String projectId;
    final String traceId;
    final long ingestedEpochMillis;
    final List<Span> spans = new ArrayList<>();
    final Map<String, String> pointers = new HashMap<>();

    Conversion(String projectId, String traceId, long ingestedEpochMillis) {
      this.projectId = projectId;
      this.traceId = traceId;
      this.ingestedEpochMillis = ingestedEpochMillis;
    }

    /** Converts a {@code spans} array; returns the latest end among them (MIN_VALUE if none). */
    long children(JsonNode array, String pointer, String parentId, long parentStart) {
      long latestEnd = Long.MIN_VALUE;
      for (int i = 0; array != null && i < array.size(); i++) {
        latestEnd =
            Math.max(latestEnd, span(array.get(i), pointer + "/" + i, parentId, parentStart));
      }
      return latestEnd;
    }

    private long span(JsonNode span, String pointer, String parentId, long parentStart) {
      String givenId = NativeValues.string(span, "id");
      String spanId =
          givenId == null
              ? TraceIds.derivedSpanId(traceId, pointer)
              : TraceIds.spanId(traceId, givenId);
      claim(spanId, pointer, givenId);
      Long explicitStart = NativeValues.epochNanos(span, pointer, "started_at");
      long start = explicitStart != null ? explicitStart : parentStart;
      int position = spans.size();
      spans.add(null); // parents before children, as they appear
      long childrenEnd = children(span.get("spans"), pointer + "/spans", spanId, start);
      long end = end(span, pointer, start, childrenEnd);

      Map<String, Object> attributes = new LinkedHashMap<>();
      if (givenId != null && !TraceIds.isKept(givenId, spanId)) {
        attributes.put(NATIVE_ID_KEY, givenId);
      }
      addFreeForm(span, SPAN_FIELDS, attributes);
      Long ttft = NativeValues.millisAsNanos(span, pointer, "time_to_first_token_ms");
      Span.Builder builder =
          base(spanId, parentId, NativeValues.string(span, "name"), start, end, span, attributes)
              .setKind(kind(span))
              .setModel(NativeValues.string(span, "model"))
              .setProvider(NativeValues.string(span, "provider"))
              .setInputTokens(NativeValues.count(span, pointer, "input_tokens"))
              .setOutputTokens(NativeValues.count(span, pointer, "output_tokens"))
              .setCacheReadTokens(NativeValues.count(span, pointer, "cache_read_tokens"))
              .setCacheWriteTokens(NativeValues.count(span, pointer, "cache_write_tokens"))
              .setReasoningTokens(NativeValues.count(span, pointer, "reasoning_tokens"))
              .setCostMicrocents(NativeValues.usdAsMicrocents(span, "cost"))
              .setCostIsEstimated(false)
              .setTimeToFirstTokenNanos(ttft)
              .setInput(values.text(span.get("input")))
              .setOutput(values.text(span.get("output")));
      spans.set(position, builder.build());
      return Math.max(end, childrenEnd);
    }

    /** Records a span id, refusing one that an earlier span of the trace already has. */
    void claim(String spanId, String pointer, String givenId) {
      String earlier = pointers.putIfAbsent(spanId, pointer);
      if (earlier != null) {
        throw new InvalidTraceException(
            pointer + "/id",
            "unique",
            "span id '"
                + givenId
                + "' is used twice in this trace (also by "
                + (earlier.isEmpty() ? "the trace itself" : earlier)
                + "); give each span its own id");
      }
    }

    /** The fields every span has, the root included. */
    Span.Builder base(
        String spanId,
        String parentId,
        String name,
        long start,
        long end,
        JsonNode node,
        Map<String, Object> attributes) {
      JsonNode error = node.get("error");
      boolean failed = error != null && !error.isNull();
      if (failed && error.isObject()) {
        attributes.putIfAbsent("error", values.text(error));
      }
      return Span.newBuilder()
          .setProjectId(projectId)
          .setTraceId(traceId)
          .setSpanId(spanId)
          .setParentSpanId(parentId)
          .setName(name)
          .setStartEpochNanos(start)
          .setEndEpochNanos(end)
          .setStatus(failed ? SpanStatus.ERROR : SpanStatus.UNSET)
          .setStatusMessage(failed ? errorMessage(error) : null)
          .setSessionId(NativeValues.string(node, "session_id"))
          .setUserId(NativeValues.string(node, "user_id"))
          .setTags(NativeValues.strings(node, "tags"))
          .setAttributes(attributes)
          .setSource(SOURCE)
          .setIngestedEpochMillis(ingestedEpochMillis);
    }

    private String errorMessage(JsonNode error) {
      if (error.isObject()) {
        String message = NativeValues.string(error, "message");
        return message != null ? message : values.text(error);
      }
      String text = values.text(error);
      return text == null || text.isEmpty() ? null : text;
    }
  }

  /**
   * One converted trace. Immutable (the spans are mutable Avro records the caller takes over).
   *
   * @param traceId the trace id (32 lowercase hex)
   * @param givenId the trace's {@code id} as given
   * @param spans root first, then each span before its children, in document order
   * @param pointers JSON pointer in the trace of each span id ({@code ""} for the root)
   */
  record ConvertedTrace(
      String traceId, String givenId, List<Span> spans, Map<String, String> pointers) {
    ConvertedTrace {
      spans = List.copyOf(spans);
      pointers = Map.copyOf(pointers);
    }
  }
}

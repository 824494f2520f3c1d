package dev.tracefold.gateway.nativejson;

import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.IngestRequest;
import dev.tracefold.gateway.ingest.IngestResult;
import dev.tracefold.gateway.ingest.NormalizedBatch;
import dev.tracefold.gateway.ingest.RejectionReason;
import dev.tracefold.gateway.ingest.SpanRejection;
import dev.tracefold.gateway.nativejson.NativeTraceConverter.ConvertedTrace;
import dev.tracefold.gateway.nativejson.TraceItemReader.TraceItem;
import dev.tracefold.schemas.Span;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The native-trace path between read traces and the {@link
 * dev.tracefold.gateway.ingest.IngestPipeline}: validates each trace against the schema, converts
 * the valid ones ({@link NativeTraceConverter}), groups their spans into batches ({@link
 * Request#normalize()}), and tells what was stored once Kafka acknowledged them ({@link #stored}).
 * A trace is stored whole or not at all (except a single span too large for a Kafka record, which
 * is reported and skipped); invalid traces become {@link ItemError}s and do not stop the others.
 *
 * <p>Thread-safe.
 */
final class NativeTraceIngest {
  /** Span source and metric protocol of native traces. */
  static final String PROTOCOL = NativeTraceConverter.SOURCE;

  /** SpanIngester names a too-large span by id at the start of its message. */
  private static final Pattern TOO_LARGE_SPAN = Pattern.compile("^span ([0-9a-f]{16}) ");

  private final IngestLimits limits;
  private final Clock clock;
  private final TraceSchemaValidator validator = new TraceSchemaValidator();
  private final NativeTraceConverter converter;

  /**
   * @param limits spans per trace and per upload batch
   * @param values reads typed values (shares the reader's JSON limits)
   * @param clock wall clock of {@code ingestedEpochMillis}
   */
  NativeTraceIngest(IngestLimits limits, NativeValues values, Clock clock) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.converter = new NativeTraceConverter(values);
  }

  /**
   * Validates and converts every read trace.
   *
   * @param projectId project of the spans
   * @param items the traces of one request or file, in order
   */
  private Prepared prepare(String projectId, List<TraceItem> items) {
    long ingestedEpochMillis = clock.millis();
    List<Accepted> accepted = new ArrayList<>();
    List<ItemError> errors = new ArrayList<>();
    int rejected = 0;
    for (TraceItem item : items) {
      List<ItemError> problems = new ArrayList<>();
      if (item.error() != null) {
        problems.add(item.error());
      } else {
        String id = givenId(item.trace());
        problems.addAll(validator.validate(item.index(), item.line(), id, item.trace()));
        if (problems.isEmpty()) {
          try {
            ConvertedTrace trace = converter.convert(projectId, item.trace(), ingestedEpochMillis);
            if (trace.spans().size() > limits.maxSpansPerRequest()) {
              problems.add(tooManySpans(item, id, trace.spans().size()));
            } else {
              accepted.add(new Accepted(item, trace));
            }
          } catch (InvalidTraceException e) {
            problems.add(
                new ItemError(
                    item.index(), item.line(), id, e.pointer(), e.rule(), null, e.getMessage()));
          }
        }
      }
      if (!problems.isEmpty()) {
        rejected++;
        errors.addAll(problems);
      }
    }
    return new Prepared(accepted, errors, rejected);
  }

  /**
   * The request of {@code POST /api/v1/traces}: its traces form one batch, which the pipeline
   * refuses (413) when it carries more than {@link IngestLimits#maxSpansPerRequest()} spans.
   */
  Request post(String projectId, List<TraceItem> items) {
    return new Request(projectId, prepare(projectId, items), Integer.MAX_VALUE);
  }

  /**
   * The request of an upload: its traces are produced in batches of at most {@link
   * IngestLimits#maxSpansPerRequest()} spans (a trace never splits; a larger one is an item error).
   */
  Request upload(String projectId, List<TraceItem> items) {
    return new Request(projectId, prepare(projectId, items), limits.maxSpansPerRequest());
  }

  /**
   * What was stored of an admitted request once Kafka acknowledged its batches.
   *
   * @param prepared the request's traces
   * @param result the accepted spans and the spans rejected as too large for Kafka
   */
  Outcome stored(Prepared prepared, IngestResult result) {
    List<String> traceIds = new ArrayList<>(prepared.accepted().size());
    prepared.accepted().forEach(trace -> traceIds.add(trace.trace().traceId()));
    List<ItemError> errors = new ArrayList<>(prepared.errors());
    errors.addAll(tooLargeErrors(prepared.accepted(), result));
    return new Outcome(traceIds, result.acceptedSpans(), errors, prepared.rejectedTraces());
  }

  /** Splits the traces into runs of at most {@code maxSpans} spans; a trace never splits. */
  private static List<NormalizedBatch> batches(List<Accepted> traces, int maxSpans) {
    List<NormalizedBatch> batches = new ArrayList<>();
    List<Accepted> current = new ArrayList<>();
    long spans = 0;
    for (Accepted trace : traces) {
      int size = trace.trace().spans().size();
      if (!current.isEmpty() && spans + size > maxSpans) {
        batches.add(batch(current));
        current = new ArrayList<>();
        spans = 0;
      }
      current.add(trace);
      spans += size;
    }
    if (!current.isEmpty()) {
      batches.add(batch(current));
    }
    return batches;
  }

  private static NormalizedBatch batch(List<Accepted> traces) {
    List<Span> spans = new ArrayList<>();
    Map<String, Integer> documentSpanCounts = new HashMap<>();
    for (Accepted trace : traces) {
      spans.addAll(trace.trace().spans());
      // a document holds its whole trace: the stream completes it once these spans arrived
      documentSpanCounts.merge(trace.trace().traceId(), trace.trace().spans().size(), Integer::sum);
    }
    return new NormalizedBatch(spans, List.of(), documentSpanCounts);
  }

  private static List<ItemError> tooLargeErrors(List<Accepted> traces, IngestResult result) {
    List<ItemError> errors = new ArrayList<>();
    for (SpanRejection rejection : result.rejections()) {
      if (rejection.reason() != RejectionReason.SPAN_TOO_LARGE) {
        continue;
      }
      Matcher id = TOO_LARGE_SPAN.matcher(rejection.message());
      String spanId = id.find() ? id.group(1) : null;
      for (Accepted trace : traces) {
        String pointer = trace.trace().pointers().get(spanId);
        if (pointer != null) {
          TraceItem item = trace.item();
          errors.add(
              new ItemError(
                  item.index(),
                  item.line(),
                  trace.trace().givenId(),
                  pointer,
                  "kafka_record_size",
                  null,
                  rejection.message()
                      + "; the span was skipped, the rest of the trace stored (shorten its"
                      + " input, output or attributes)"));
        }
      }
    }
    return errors;
  }

  private ItemError tooManySpans(TraceItem item, String id, int spans) {
    return new ItemError(
        item.index(),
        item.line(),
        id,
        "",
        "max_spans",
        null,
        "trace has "
            + spans
            + " spans (its root included), more than the limit of "
            + limits.maxSpansPerRequest()
            + " (tracefold.gateway.max-spans-per-request)");
  }

  private static String givenId(JsonNode trace) {
    JsonNode id = trace == null ? null : trace.get("id");
    return id != null && id.isString() ? id.stringValue() : null;
  }

  /** A valid, converted trace and where it came from. */
  record Accepted(TraceItem item, ConvertedTrace trace) {}

  /**
   * The result of {@link #prepare}. Immutable.
   *
   * @param accepted the traces to produce, in request order
   * @param errors every problem found, in request order
   * @param rejectedTraces how many traces had problems
   */
  record Prepared(List<Accepted> accepted, List<ItemError> errors, int rejectedTraces) {
    Prepared {
      accepted = List.copyOf(accepted);
      errors = List.copyOf(errors);
    }
  }

  /**
   * A native request as the pipeline sees it. Immutable.
   *
   * @param projectId the project of the request's key
   * @param prepared its validated and converted traces
   * @param maxBatchSpans the most spans {@link #normalize()} puts in one batch
   */
  record Request(String projectId, Prepared prepared, int maxBatchSpans) implements IngestRequest {
    @Override
    public List<NormalizedBatch> normalize() {
      return batches(prepared.accepted(), maxBatchSpans);
    }
  }

  /**
   * What was stored. Immutable.
   *
   * @param traceIds ids of the stored traces, in request order
   * @param acceptedSpans spans Kafka acknowledged
   * @param errors problems, in request order (too-large spans last)
   * @param rejectedTraces traces not stored
   */
  record Outcome(
      List<String> traceIds, int acceptedSpans, List<ItemError> errors, int rejectedTraces) {
    Outcome {
      traceIds = List.copyOf(traceIds);
      errors = List.copyOf(errors);
    }
  }
}

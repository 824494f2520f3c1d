package dev.tracefold.gateway.nativejson;

import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.ingest.IngestResult;
import dev.tracefold.gateway.ingest.NormalizedBatch;
import dev.tracefold.gateway.ingest.RejectionReason;
import dev.tracefold.gateway.ingest.SpanIngester;
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
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The native-trace path from read traces to Kafka: validates each trace against the schema,
 * converts the valid ones ({@link NativeTraceConverter}) and hands their spans to the shared {@link
 * SpanIngester} in batches of at most {@link IngestLimits#maxSpansPerRequest()} spans, one batch
 * after the other. A trace is stored whole or not at all (except a single span too large for a
 * Kafka record, which is reported and skipped); invalid traces become {@link ItemError}s and do not
 * stop the others.
 *
 * <p>Thread-safe.
 */
final class NativeTraceIngest {
  /** Span source and metric protocol of native traces. */
  static final String PROTOCOL = NativeTraceConverter.SOURCE;

  /** SpanIngester names a too-large span by id at the start of its message. */
  private static final Pattern TOO_LARGE_SPAN = Pattern.compile("^span ([0-9a-f]{16}) ");

  private final SpanIngester ingester;
  private final IngestMetrics metrics;
  private final IngestLimits limits;
  private final Clock clock;
  private final TraceSchemaValidator validator = new TraceSchemaValidator();
  private final NativeTraceConverter converter;

  /**
   * @param ingester produces the spans
   * @param metrics counts accepted and rejected traces
   * @param limits spans per batch and per trace
   * @param values reads typed values (shares the reader's JSON limits)
   * @param clock wall clock of {@code ingestedEpochMillis}
   */
  NativeTraceIngest(
      SpanIngester ingester,
      IngestMetrics metrics,
      IngestLimits limits,
      NativeValues values,
      Clock clock) {
    this.ingester = Objects.requireNonNull(ingester, "ingester");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.converter = new NativeTraceConverter(values);
  }

  /**
   * Validates and converts every read trace; produces nothing.
   *
   * @param projectId project of the spans
   * @param items the traces of one request or file, in order
   */
  Prepared prepare(String projectId, List<TraceItem> items) {
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
   * Produces the accepted traces, batch after batch; completes after Kafka acknowledged the last
   * batch, or exceptionally with the first batch's {@code IngestUnavailableException}.
   */
  CompletableFuture<Outcome> ingest(Prepared prepared) {
    metrics.nativeTraces("rejected", prepared.rejectedTraces());
    List<List<Accepted>> batches = batches(prepared.accepted());
    CompletableFuture<Outcome> outcome =
        CompletableFuture.completedFuture(
            new Outcome(List.of(), 0, prepared.errors(), prepared.rejectedTraces()));
    for (List<Accepted> batch : batches) {
      outcome = outcome.thenCompose(sofar -> ingestBatch(batch).thenApply(sofar::plus));
    }
    return outcome.whenComplete(
        (result, error) -> {
          if (error == null) {
            metrics.nativeTraces("accepted", result.traceIds().size());
          } else {
            metrics.nativeTraces("rejected", prepared.accepted().size());
          }
        });
  }

  private CompletableFuture<Outcome> ingestBatch(List<Accepted> batch) {
    List<Span> spans = new ArrayList<>();
    List<String> traceIds = new ArrayList<>(batch.size());
    Map<String, Integer> documentSpanCounts = new HashMap<>();
    for (Accepted trace : batch) {
      spans.addAll(trace.trace().spans());
      traceIds.add(trace.trace().traceId());
      // a document holds its whole trace: the stream completes it once these spans arrived
      documentSpanCounts.merge(trace.trace().traceId(), trace.trace().spans().size(), Integer::sum);
    }
    return ingester
        .ingest(PROTOCOL, new NormalizedBatch(spans, List.of(), documentSpanCounts))
        .thenApply(
            result ->
                new Outcome(traceIds, result.acceptedSpans(), tooLargeErrors(batch, result), 0));
  }

  /** Splits the traces into runs of at most maxSpansPerRequest spans; a trace never splits. */
  private List<List<Accepted>> batches(List<Accepted> traces) {
    List<List<Accepted>> batches = new ArrayList<>();
    List<Accepted> current = new ArrayList<>();
    int spans = 0;
    for (Accepted trace : traces) {
      int size = trace.trace().spans().size();
      if (!current.isEmpty() && spans + size > limits.maxSpansPerRequest()) {
        batches.add(current);
        current = new ArrayList<>();
        spans = 0;
      }
      current.add(trace);
      spans += size;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  private static List<ItemError> tooLargeErrors(List<Accepted> batch, IngestResult result) {
    List<ItemError> errors = new ArrayList<>();
    for (SpanRejection rejection : result.rejections()) {
      if (rejection.reason() != RejectionReason.SPAN_TOO_LARGE) {
        continue;
      }
      Matcher id = TOO_LARGE_SPAN.matcher(rejection.message());
      String spanId = id.find() ? id.group(1) : null;
      for (Accepted trace : batch) {
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

    /** Spans of all accepted traces. */
    int spanCount() {
      return accepted.stream().mapToInt(a -> a.trace().spans().size()).sum();
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

    Outcome plus(Outcome more) {
      List<String> ids = new ArrayList<>(traceIds);
      ids.addAll(more.traceIds);
      List<ItemError> allErrors = new ArrayList<>(errors);
      allErrors.addAll(more.errors);
      return new Outcome(
          ids, acceptedSpans + more.acceptedSpans, allErrors, rejectedTraces + more.rejectedTraces);
    }
  }
}

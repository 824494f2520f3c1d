package dev.tracefold.schemas.rollup;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Computes a {@link TraceRollup} from the de-duplicated spans of one trace. The one place the
 * rollup rules live; completion-stream (completed revisions) and rollup-sink (in-progress traces)
 * both call it. Stateless and thread-safe.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>root span: the earliest-starting span without a parent; failing that, the earliest span
 *       whose parent is not among the spans (an orphan); ties broken by span id;
 *   <li>status: {@code ERROR} if any span errored, else {@code OK} if any span is {@code OK}, else
 *       {@code UNSET} (OpenTelemetry SDKs leave most spans {@code UNSET});
 *   <li>start/end: earliest start and latest end; duration = end - start, in nanoseconds;
 *   <li>tokens: sums over spans (absent counts as 0); total = input + output, as GenAI semantic
 *       conventions count usage (cache and reasoning tokens are reported inside those counts);
 *   <li>cost: sum of span costs in microcents, null when no span has one; estimated if any summed
 *       cost was estimated;
 *   <li>time to first token: from trace start to the earliest first token of any LLM span that
 *       reports one;
 *   <li>models, providers, service names, tags: distinct values, sorted;
 *   <li>session and user id, input, output, source: the root span's; session and user fall back to
 *       the earliest span that has one.
 *   <li>metadata: the root span's attributes {@code metadata.<key>} (how native traces keep their
 *       {@code metadata} object, and how an OpenTelemetry producer sets trace metadata), by key,
 *       values as text; what the {@code metadata.<key>} filter of the read API matches.
 * </ul>
 */
public final class TraceRollups {
  private static final Comparator<Span> START_ORDER =
      Comparator.comparingLong(Span::getStartEpochNanos).thenComparing(Span::getSpanId);

  private TraceRollups() {}

  /**
   * The last field of {@link Span}, in schema order, that {@link #compute} reads of a span other
   * than the root: a caller may decode the other spans only up to it ({@link
   * dev.tracefold.schemas.serde.AvroSerde#withFieldsUpTo}) and the root ({@link #findRoot}) in
   * full. Of the root it also reads {@code input}, {@code output}, {@code attributes} (metadata)
   * and {@code source}.
   */
  public static final String LAST_FIELD_READ_OF_EVERY_SPAN = "tags";

  /**
   * Computes the rollup.
   *
   * @param projectId project of the trace
   * @param traceId trace id (32 lowercase hex)
   * @param spans the trace's spans, already de-duplicated by span id; must not be empty
   * @return the rollup; never null
   * @throws IllegalArgumentException if {@code spans} is empty
   */
  public static TraceRollup compute(String projectId, String traceId, Collection<Span> spans) {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceId, "traceId");
    if (spans.isEmpty()) {
      throw new IllegalArgumentException(
          "A rollup needs at least one span: " + projectId + "/" + traceId);
    }
    List<Span> ordered = new ArrayList<>(spans);
    ordered.sort(START_ORDER);
    Span root = findRoot(ordered);

    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    int errors = 0;
    boolean anyOk = false;
    long input = 0, output = 0, cacheRead = 0, cacheWrite = 0, reasoning = 0;
    Long cost = null;
    boolean costEstimated = false;
    Long firstTokenEpochNanos = null;
    for (Span span : ordered) {
      start = Math.min(start, span.getStartEpochNanos());
      end = Math.max(end, span.getEndEpochNanos());
      if (span.getStatus() == SpanStatus.ERROR) {
        errors++;
      } else if (span.getStatus() == SpanStatus.OK) {
        anyOk = true;
      }
      input += orZero(span.getInputTokens());
      output += orZero(span.getOutputTokens());
      cacheRead += orZero(span.getCacheReadTokens());
      cacheWrite += orZero(span.getCacheWriteTokens());
      reasoning += orZero(span.getReasoningTokens());
      if (span.getCostMicrocents() != null) {
        cost = (cost == null ? 0L : cost) + span.getCostMicrocents();
        costEstimated |= span.getCostIsEstimated();
      }
      if (span.getKind() == SpanKind.LLM && span.getTimeToFirstTokenNanos() != null) {
        long firstToken = span.getStartEpochNanos() + span.getTimeToFirstTokenNanos();
        if (firstTokenEpochNanos == null || firstToken < firstTokenEpochNanos) {
          firstTokenEpochNanos = firstToken;
        }
      }
    }
    SpanStatus status = errors > 0 ? SpanStatus.ERROR : anyOk ? SpanStatus.OK : SpanStatus.UNSET;

    Set<String> tags = new TreeSet<>();
    ordered.forEach(s -> tags.addAll(s.getTags()));
    Map<String, String> metadata = metadata(root);
    return TraceRollup.newBuilder()
        .setProjectId(projectId)
        .setTraceId(traceId)
        .setRootSpanId(root.getSpanId())
        .setRootSpanName(root.getName())
        .setStatus(status)
        .setStartEpochNanos(start)
        .setEndEpochNanos(end)
        .setDurationNanos(end - start)
        .setSpanCount(ordered.size())
        .setErrorCount(errors)
        .setInputTokens(input)
        .setOutputTokens(output)
        .setCacheReadTokens(cacheRead)
        .setCacheWriteTokens(cacheWrite)
        .setReasoningTokens(reasoning)
        .setTotalTokens(input + output)
        .setCostMicrocents(cost)
        .setCostIsEstimated(costEstimated)
        .setTimeToFirstTokenNanos(
            firstTokenEpochNanos == null ? null : firstTokenEpochNanos - start)
        .setModels(distinctSorted(ordered, Span::getModel))
        .setProviders(distinctSorted(ordered, Span::getProvider))
        .setServiceNames(distinctSorted(ordered, Span::getServiceName))
        .setSessionId(rootOrFirst(root, ordered, Span::getSessionId))
        .setUserId(rootOrFirst(root, ordered, Span::getUserId))
        .setTags(new ArrayList<>(tags))
        .setMetadata(metadata)
        .setInput(root.getInput())
        .setOutput(root.getOutput())
        .setSource(root.getSource())
        .build();
  }

  /**
   * The root span of start-ordered spans: the first without a parent, else the first orphan, else
   * (every parent present, i.e. a cycle in bad data) the first span.
   */
  public static Span findRoot(List<Span> startOrdered) {
    for (Span span : startOrdered) {
      if (span.getParentSpanId() == null) {
        return span;
      }
    }
    Set<String> ids = new HashSet<>();
    startOrdered.forEach(s -> ids.add(s.getSpanId()));
    for (Span span : startOrdered) {
      if (!ids.contains(span.getParentSpanId())) {
        return span;
      }
    }
    return startOrdered.get(0);
  }

  private static long orZero(Long value) {
    return value == null ? 0L : value;
  }

  private static List<String> distinctSorted(List<Span> spans, Function<Span, String> field) {
    Set<String> values = new TreeSet<>();
    for (Span span : spans) {
      String value = field.apply(span);
      if (value != null && !value.isEmpty()) {
        values.add(value);
      }
    }
    return new ArrayList<>(values);
  }

  private static String rootOrFirst(Span root, List<Span> ordered, Function<Span, String> field) {
    String fromRoot = field.apply(root);
    if (fromRoot != null) {
      return fromRoot;
    }
    for (Span span : ordered) {
      String value = field.apply(span);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** Prefix of the root span attributes that are the trace's metadata. */
  public static final String METADATA_ATTRIBUTE_PREFIX = "metadata.";

  private static Map<String, String> metadata(Span root) {
    Map<String, String> metadata = new HashMap<>();
    root.getAttributes()
        .forEach(
            (key, value) -> {
              String name = key.toString();
              if (value != null
                  && name.startsWith(METADATA_ATTRIBUTE_PREFIX)
                  && name.length() > METADATA_ATTRIBUTE_PREFIX.length()) {
                metadata.put(name.substring(METADATA_ATTRIBUTE_PREFIX.length()), value.toString());
              }
            });
    return metadata;
  }
}

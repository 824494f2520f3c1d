package dev.tracefold.store.trace;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.store.trace.RollupState.Earliest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A trace's rollup with the {@link RollupState} that lets more spans be merged into it without
 * reading the spans it already covers. The rules are those of {@link TraceRollups#compute}; the
 * invariant is that {@code of(all).merge(more, root)} equals {@code of(all + more)} whenever {@code
 * more} holds only spans not in {@code all} (the span writer merges exactly the spans its insert
 * reported as new). Immutable; the Avro rollup inside is a mutable object: do not modify it.
 *
 * @param rollup the rollup, as {@link TraceRollups#compute} computes it (or a completed revision's
 *     rollup as the stream sent it)
 * @param state what merging needs; never null
 *     <p>Internal to trace-store: public only so that its packages share it; other modules do not
 *     use it.
 */
public record IncrementalRollup(TraceRollup rollup, RollupState state) {
  public IncrementalRollup {
    Objects.requireNonNull(rollup, "rollup");
    Objects.requireNonNull(state, "state");
  }

  /**
   * The rollup and state of a trace's complete span set.
   *
   * @param spans every span of the trace, de-duplicated; must not be empty
   */
  public static IncrementalRollup of(TraceKey trace, Collection<Span> spans) {
    List<Span> ordered = sorted(spans);
    TraceRollup rollup = TraceRollups.compute(trace.projectId(), trace.traceId(), ordered);
    return withRollup(rollup, ordered);
  }

  /**
   * A given rollup (a completed revision's, stored as the stream computed it) with the state of the
   * spans it was computed from.
   *
   * @param spans every span of the trace, de-duplicated; must not be empty
   */
  static IncrementalRollup withRollup(TraceRollup rollup, Collection<Span> spans) {
    List<Span> ordered = sorted(spans);
    Span root = TraceRollups.findRoot(ordered);
    return new IncrementalRollup(
        rollup,
        new RollupState(
            firstTokenEpochNanos(ordered),
            root.getStartEpochNanos(),
            root.getParentSpanId() == null,
            root.getSessionId(),
            root.getUserId(),
            earliest(ordered, Span::getSessionId),
            earliest(ordered, Span::getUserId)));
  }

  /**
   * Whether merging {@code added} needs the root span found again among all stored spans: neither
   * the stored root nor any added span is parentless, so the root is an orphan that the added spans
   * may have adopted (see {@link TraceRollups#findRoot}).
   */
  public boolean needsStoredRoot(Collection<Span> added) {
    return !state.rootParentless() && added.stream().noneMatch(IncrementalRollup::parentless);
  }

  /**
   * This rollup with spans merged in that it does not cover yet.
   *
   * @param added new spans of the trace (none of them covered by this rollup); must not be empty
   * @param storedRoot the root span among every stored span (this rollup's and the added ones), as
   *     {@link TraceRollups#findRoot} picks it; required when {@link #needsStoredRoot} is true,
   *     ignored otherwise
   * @return the merged rollup and state
   */
  public IncrementalRollup merge(Collection<Span> added, Span storedRoot) {
    List<Span> ordered = sorted(added);
    if (ordered.isEmpty()) {
      return this;
    }
    TraceRollup r = rollup;
    TraceRollup delta = TraceRollups.compute(r.getProjectId(), r.getTraceId(), ordered);
    TraceRollup.Builder merged = TraceRollup.newBuilder(r);

    long start = Math.min(r.getStartEpochNanos(), delta.getStartEpochNanos());
    long end = Math.max(r.getEndEpochNanos(), delta.getEndEpochNanos());
    int errors = r.getErrorCount() + delta.getErrorCount();
    boolean anyOk = r.getStatus() == SpanStatus.OK || delta.getStatus() == SpanStatus.OK;
    long input = r.getInputTokens() + delta.getInputTokens();
    long output = r.getOutputTokens() + delta.getOutputTokens();
    Long cost =
        r.getCostMicrocents() == null && delta.getCostMicrocents() == null
            ? null
            : orZero(r.getCostMicrocents()) + orZero(delta.getCostMicrocents());
    Long firstToken = min(state.firstTokenEpochNanos(), firstTokenEpochNanos(ordered));
    merged
        .setStatus(errors > 0 ? SpanStatus.ERROR : anyOk ? SpanStatus.OK : SpanStatus.UNSET)
        .setStartEpochNanos(start)
        .setEndEpochNanos(end)
        .setDurationNanos(end - start)
        .setSpanCount(r.getSpanCount() + delta.getSpanCount())
        .setErrorCount(errors)
        .setInputTokens(input)
        .setOutputTokens(output)
        .setCacheReadTokens(r.getCacheReadTokens() + delta.getCacheReadTokens())
        .setCacheWriteTokens(r.getCacheWriteTokens() + delta.getCacheWriteTokens())
        .setReasoningTokens(r.getReasoningTokens() + delta.getReasoningTokens())
        .setTotalTokens(input + output)
        .setCostMicrocents(cost)
        .setCostIsEstimated(r.getCostIsEstimated() || delta.getCostIsEstimated())
        .setTimeToFirstTokenNanos(firstToken == null ? null : firstToken - start)
        .setModels(union(r.getModels(), delta.getModels()))
        .setProviders(union(r.getProviders(), delta.getProviders()))
        .setServiceNames(union(r.getServiceNames(), delta.getServiceNames()))
        .setTags(union(r.getTags(), delta.getTags()));

    Earliest firstSession =
        Earliest.min(state.firstSession(), earliest(ordered, Span::getSessionId));
    Earliest firstUser = Earliest.min(state.firstUser(), earliest(ordered, Span::getUserId));
    Span newRoot = ordered.stream().filter(IncrementalRollup::parentless).findFirst().orElse(null);
    boolean keepRoot = state.rootParentless() && (newRoot == null || storedRootPrecedes(newRoot));
    RollupState next;
    if (keepRoot) {
      next =
          new RollupState(
              firstToken,
              state.rootStartEpochNanos(),
              true,
              state.rootSessionId(),
              state.rootUserId(),
              firstSession,
              firstUser);
    } else {
      Span root = newRoot != null ? newRoot : Objects.requireNonNull(storedRoot, "storedRoot");
      merged
          .setRootSpanId(root.getSpanId())
          .setRootSpanName(root.getName())
          .setInput(root.getInput())
          .setOutput(root.getOutput())
          .setSource(root.getSource());
      next =
          new RollupState(
              firstToken,
              root.getStartEpochNanos(),
              parentless(root),
              root.getSessionId(),
              root.getUserId(),
              firstSession,
              firstUser);
    }
    merged
        .setSessionId(orValue(next.rootSessionId(), firstSession))
        .setUserId(orValue(next.rootUserId(), firstUser));
    return new IncrementalRollup(merged.build(), next);
  }

  /** Whether the stored root comes before {@code span} in start order (start, then span id). */
  private boolean storedRootPrecedes(Span span) {
    int byStart = Long.compare(state.rootStartEpochNanos(), span.getStartEpochNanos());
    return byStart != 0 ? byStart < 0 : rollup.getRootSpanId().compareTo(span.getSpanId()) <= 0;
  }

  private static boolean parentless(Span span) {
    return span.getParentSpanId() == null;
  }

  private static List<Span> sorted(Collection<Span> spans) {
    List<Span> ordered = new ArrayList<>(spans);
    ordered.sort(SpanRows.START_ORDER);
    return ordered;
  }

  private static Long firstTokenEpochNanos(List<Span> spans) {
    Long first = null;
    for (Span span : spans) {
      if (span.getKind() == SpanKind.LLM && span.getTimeToFirstTokenNanos() != null) {
        first = min(first, span.getStartEpochNanos() + span.getTimeToFirstTokenNanos());
      }
    }
    return first;
  }

  private static Earliest earliest(List<Span> startOrdered, Function<Span, String> field) {
    for (Span span : startOrdered) {
      String value = field.apply(span);
      if (value != null) {
        return new Earliest(span.getStartEpochNanos(), span.getSpanId(), value);
      }
    }
    return null;
  }

  private static String orValue(String fromRoot, Earliest earliest) {
    return fromRoot != null ? fromRoot : earliest == null ? null : earliest.value();
  }

  private static List<String> union(List<String> a, List<String> b) {
    TreeSet<String> values = new TreeSet<>(a);
    values.addAll(b);
    return new ArrayList<>(values);
  }

  private static Long min(Long a, Long b) {
    return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
  }

  private static long orZero(Long value) {
    return value == null ? 0L : value;
  }
}

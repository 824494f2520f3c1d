package dev.tracefold.store;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.rollup.TraceRollups;
import dev.tracefold.store.trace.SpanRows;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds spans, completed traces and triggers for store tests. */
final class TestTraces {
  static final long BASE_EPOCH_NANOS = 1_763_000_000_000_000_000L;

  private TestTraces() {}

  /** A fresh project id, so tests sharing one database do not see each other's traces. */
  static String newProject() {
    return "p-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** 32 lowercase hex characters derived from n. */
  static String traceId(int n) {
    return String.format("%032x", n);
  }

  /** 16 lowercase hex characters derived from n. */
  static String spanId(int n) {
    return String.format("%016x", n);
  }

  /** A root span starting at base + startMillis ms, lasting 100 ms. */
  static Span root(String project, String traceId, int spanNumber, long startMillis) {
    return span(project, traceId, spanNumber, null, startMillis).build();
  }

  /** A child LLM span with tokens and cost. */
  static Span llmChild(
      String project, String traceId, int spanNumber, int parent, long startMillis) {
    return span(project, traceId, spanNumber, spanId(parent), startMillis)
        .setKind(SpanKind.LLM)
        .setName("chat gpt-4o")
        .setModel("gpt-4o")
        .setProvider("openai")
        .setInputTokens(100L)
        .setOutputTokens(20L)
        .setCostMicrocents(1_500L)
        .setTimeToFirstTokenNanos(5_000_000L)
        .build();
  }

  static Span.Builder span(
      String project, String traceId, int spanNumber, String parentSpanId, long startMillis) {
    long start = BASE_EPOCH_NANOS + startMillis * 1_000_000L;
    return Span.newBuilder()
        .setProjectId(project)
        .setTraceId(traceId)
        .setSpanId(spanId(spanNumber))
        .setParentSpanId(parentSpanId)
        .setName(parentSpanId == null ? "agent run" : "step " + spanNumber)
        .setKind(parentSpanId == null ? SpanKind.AGENT : SpanKind.TOOL)
        .setStartEpochNanos(start)
        .setEndEpochNanos(start + 100_000_000L)
        .setStatus(SpanStatus.OK)
        .setServiceName("svc")
        .setSource("native-json")
        .setIngestedEpochMillis(1_763_000_000_000L);
  }

  static CompletedTrace completed(List<Span> spans, int revision) {
    Span first = spans.get(0);
    List<Span> ordered = new ArrayList<>(spans);
    ordered.sort(SpanRows.START_ORDER);
    return CompletedTrace.newBuilder()
        .setProjectId(first.getProjectId())
        .setTraceId(first.getTraceId())
        .setRevision(revision)
        .setCompletionReason(CompletionReason.QUIET)
        .setFirstArrivalEpochMillis(1_763_000_000_000L)
        .setLastArrivalEpochMillis(1_763_000_001_000L)
        .setCompletedEpochMillis(1_763_000_301_000L)
        .setRollup(TraceRollups.compute(first.getProjectId(), first.getTraceId(), spans))
        .setSpans(ordered)
        .build();
  }

  /**
   * A rollup of one OK root span named "agent run" in project/trace, starting at base + startMillis
   * ms and lasting durationMillis, with no tokens, cost, models or tags: tests set the fields they
   * filter on.
   */
  static TraceRollup.Builder rollup(
      String project, String traceId, long startMillis, long durationMillis) {
    long start = BASE_EPOCH_NANOS + startMillis * 1_000_000L;
    long duration = durationMillis * 1_000_000L;
    return TraceRollup.newBuilder()
        .setProjectId(project)
        .setTraceId(traceId)
        .setRootSpanId(spanId(1))
        .setRootSpanName("agent run")
        .setStatus(SpanStatus.OK)
        .setStartEpochNanos(start)
        .setEndEpochNanos(start + duration)
        .setDurationNanos(duration)
        .setSpanCount(1)
        .setErrorCount(0)
        .setInputTokens(0)
        .setOutputTokens(0)
        .setCacheReadTokens(0)
        .setCacheWriteTokens(0)
        .setReasoningTokens(0)
        .setTotalTokens(0)
        .setCostMicrocents(null)
        .setTimeToFirstTokenNanos(null)
        .setModels(List.of())
        .setProviders(List.of())
        .setServiceNames(List.of("svc"))
        .setTags(List.of())
        .setMetadata(Map.of())
        .setSource("otlp-http-json");
  }

  /**
   * Revision 1 of a trace whose stored rollup is exactly {@code rollup} (the store keeps a
   * completed revision's rollup as given), with one root span covering the rollup's time.
   */
  static CompletedTrace completedWith(TraceRollup rollup) {
    Span root =
        span(rollup.getProjectId(), rollup.getTraceId(), 1, null, 0)
            .setName(rollup.getRootSpanName() == null ? "agent run" : rollup.getRootSpanName())
            .setStartEpochNanos(rollup.getStartEpochNanos())
            .setEndEpochNanos(rollup.getEndEpochNanos())
            .build();
    return CompletedTrace.newBuilder()
        .setProjectId(rollup.getProjectId())
        .setTraceId(rollup.getTraceId())
        .setRevision(1)
        .setCompletionReason(CompletionReason.QUIET)
        .setFirstArrivalEpochMillis(1_763_000_000_000L)
        .setLastArrivalEpochMillis(1_763_000_001_000L)
        .setCompletedEpochMillis(1_763_000_301_000L)
        .setRollup(rollup)
        .setSpans(List.of(root))
        .build();
  }

  static EvaluationTrigger trigger(CompletedTrace trace) {
    return trigger(trace, "all-completed-traces");
  }

  /** The trigger of a rule for a revision, with its deterministic id. */
  static EvaluationTrigger trigger(CompletedTrace trace, String ruleId) {
    String name =
        ruleId + "/" + trace.getProjectId() + "/" + trace.getTraceId() + "/" + trace.getRevision();
    return EvaluationTrigger.newBuilder()
        .setTriggerId(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString())
        .setRuleId(ruleId)
        .setProjectId(trace.getProjectId())
        .setTraceId(trace.getTraceId())
        .setRevision(trace.getRevision())
        .setFiredEpochMillis(1_763_000_302_000L)
        .setRollup(trace.getRollup())
        .setCompletedTopic("tracefold.traces.completed")
        .setCompletedPartition(0)
        .setCompletedOffset(0L)
        .setApiPath("/api/v1/traces/" + trace.getTraceId())
        .build();
  }

  static List<Span> sorted(Collection<Span> spans) {
    List<Span> ordered = new ArrayList<>(spans);
    ordered.sort(SpanRows.START_ORDER);
    return ordered;
  }
}

package dev.tracefold.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanEvent;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.store.evaluation.FiredTrigger;
import dev.tracefold.store.evaluation.TraceScore;
import dev.tracefold.store.evaluation.TraceScores;
import dev.tracefold.store.trace.SpanPage;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceAnnotation;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders stored traces as the read API's snake_case JSON. Trace state and span kind are lowercase
 * ({@code in_progress}, {@code llm}); status and completion reason keep their specification
 * spelling ({@code ERROR}, as OpenTelemetry's StatusCode; {@code QUIET}); absent values are JSON
 * null; times are integer nanoseconds since the Unix epoch, costs integer microcents (1 USD =
 * 100,000,000). The README lists every field. Stateless and thread-safe.
 */
final class TraceJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private TraceJson() {}

  /** A trace without its spans and trigger ids, as listed by {@code GET /api/v1/traces}. */
  static ObjectNode summary(StoredTrace trace) {
    TraceRollup rollup = trace.rollup();
    ObjectNode json = NODES.objectNode();
    json.put("id", rollup.getTraceId());
    json.put("project_id", rollup.getProjectId());
    json.put("name", rollup.getRootSpanName());
    json.put("root_span_id", rollup.getRootSpanId());
    json.put("state", trace.state().wireName());
    json.put("revision", trace.revision());
    json.put("completion_reason", name(trace.completionReason()));
    json.put("rollup_revision", trace.rollupRevision());
    json.put("spans_beyond_revision", trace.spansBeyondRevision());
    json.put("status", name(rollup.getStatus()));
    json.put("span_count", rollup.getSpanCount());
    json.put("error_count", rollup.getErrorCount());
    json.put("start_epoch_nanos", rollup.getStartEpochNanos());
    json.put("end_epoch_nanos", rollup.getEndEpochNanos());
    json.put("duration_nanos", rollup.getDurationNanos());
    json.put("input_tokens", rollup.getInputTokens());
    json.put("output_tokens", rollup.getOutputTokens());
    json.put("cache_read_tokens", rollup.getCacheReadTokens());
    json.put("cache_write_tokens", rollup.getCacheWriteTokens());
    json.put("reasoning_tokens", rollup.getReasoningTokens());
    json.put("total_tokens", rollup.getTotalTokens());
    json.put("cost_microcents", rollup.getCostMicrocents());
    json.put("cost_is_estimated", rollup.getCostIsEstimated());
    json.put("time_to_first_token_nanos", rollup.getTimeToFirstTokenNanos());
    json.set("models", strings(rollup.getModels()));
    json.set("providers", strings(rollup.getProviders()));
    json.set("service_names", strings(rollup.getServiceNames()));
    json.put("session_id", rollup.getSessionId());
    json.put("user_id", rollup.getUserId());
    json.set("tags", strings(trace.tags()));
    json.set("user_tags", strings(trace.userTags()));
    json.put("saved", trace.saved());
    json.put("saved_epoch_millis", trace.savedEpochMillis());
    json.put("created_epoch_millis", trace.createdEpochMillis());
    ObjectNode metadata = json.putObject("metadata");
    rollup.getMetadata().forEach(metadata::put);
    json.put("input", rollup.getInput());
    json.put("output", rollup.getOutput());
    json.put("source", rollup.getSource());
    TraceScores scores = trace.scores();
    json.put("scores_count", scores.count());
    json.put("scores_passed", scores.passedCount());
    json.put("scores_failed", scores.failedCount());
    ArrayNode latest = json.putArray("latest_scores");
    scores.latest().values().forEach(score -> latest.add(score(score, false)));
    return json;
  }

  /**
   * A trace with its fired triggers, annotations, scores and its first spans, as {@code GET
   * /api/v1/traces/{id}} shows it: spans nested by parent ({@code tree}: root-level spans, each
   * with {@code children}) or in start order ({@code flat}); see {@link SpanTree}.
   */
  static ObjectNode detail(StoredTrace trace, boolean flat) {
    ObjectNode json = summary(trace);
    ArrayNode triggers = json.putArray("fired_triggers");
    trace.firedTriggers().forEach(trigger -> triggers.add(firedTrigger(trigger)));
    ArrayNode annotations = json.putArray("annotations");
    trace.annotations().forEach(annotation -> annotations.add(annotation(annotation)));
    ArrayNode scores = json.putArray("scores");
    trace.allScores().forEach(score -> scores.add(score(score)));
    json.put("format", flat ? "flat" : "tree");
    List<Span> shown = trace.spans();
    json.put(
        "spans_next_cursor",
        shown.isEmpty() || shown.size() >= trace.rollup().getSpanCount()
            ? null
            : SpanCursor.encode(SpanPage.Position.of(shown.get(shown.size() - 1))));
    SpanTree tree = SpanTree.of(shown);
    ArrayNode spans = json.putArray("spans");
    if (flat) {
      tree.inStartOrder().forEach(node -> spans.add(node(node, false)));
    } else {
      tree.roots().forEach(node -> spans.add(node(node, true)));
    }
    return json;
  }

  /** A page of a trace's spans, flat in start order, as {@code GET .../spans} shows it. */
  static ObjectNode spanPage(SpanPage page) {
    ObjectNode json = NODES.objectNode();
    ArrayNode spans = json.putArray("spans");
    page.spans().forEach(span -> spans.add(span(span)));
    json.put("next_cursor", page.next() == null ? null : SpanCursor.encode(page.next()));
    return json;
  }

  /** One fired evaluation trigger. */
  static ObjectNode firedTrigger(FiredTrigger trigger) {
    ObjectNode json = NODES.objectNode();
    json.put("trigger_id", trigger.triggerId());
    json.put("rule_id", trigger.ruleId());
    json.put("revision", trigger.revision());
    json.put("turn", trigger.turn() == null ? null : trigger.turn().wireName());
    json.put("fired_epoch_millis", trigger.firedEpochMillis());
    json.put("score_pending", trigger.scorePending());
    return json;
  }

  /** One annotation. */
  static ObjectNode annotation(TraceAnnotation annotation) {
    ObjectNode json = NODES.objectNode();
    json.put("id", annotation.id());
    json.put("text", annotation.text());
    json.put("author", annotation.author());
    json.put("score", annotation.score());
    json.put("label", annotation.label());
    json.put("created_epoch_millis", annotation.createdEpochMillis());
    return json;
  }

  /** One score, as {@code POST .../scores} answers and {@code GET /api/v1/traces/{id}} lists. */
  static ObjectNode score(TraceScore score) {
    return score(score, true);
  }

  /** One score; without {@code reason} in the trace summary's {@code latest_scores}. */
  private static ObjectNode score(TraceScore score, boolean withReason) {
    ObjectNode json = NODES.objectNode();
    json.put("id", score.id());
    json.put("evaluator", score.evaluatorName());
    json.put("evaluator_version", score.evaluatorVersion());
    json.put("trigger_id", score.triggerId());
    json.put("rule_id", score.ruleId());
    json.put("revision", score.revision());
    json.put("passed", score.passed());
    json.put("value", score.value());
    json.put("label", score.label());
    if (withReason) {
      json.put("reason", score.reason());
    }
    json.put("source", score.source().wireName());
    json.put("created_by", score.createdBy());
    json.put("created_epoch_millis", score.createdEpochMillis());
    return json;
  }

  /** A span with its place in the tree; with its children when nested (depth <= 101). */
  private static ObjectNode node(SpanTree.Node node, boolean nested) {
    ObjectNode json = span(node.span());
    json.put("depth", node.depth());
    json.put("orphan", node.orphan());
    json.put("cycle", node.cycleCut());
    json.put("flattened", node.flattened());
    if (nested) {
      ArrayNode children = json.putArray("children");
      node.children().forEach(child -> children.add(node(child, true)));
    }
    return json;
  }

  /** One span. */
  static ObjectNode span(Span span) {
    ObjectNode json = NODES.objectNode();
    json.put("trace_id", span.getTraceId());
    json.put("span_id", span.getSpanId());
    json.put("parent_span_id", span.getParentSpanId());
    json.put("name", span.getName());
    json.put("kind", lower(span.getKind()));
    json.put("otel_span_kind", span.getOtelSpanKind());
    json.put("status", name(span.getStatus()));
    json.put("status_message", span.getStatusMessage());
    json.put("start_epoch_nanos", span.getStartEpochNanos());
    json.put("end_epoch_nanos", span.getEndEpochNanos());
    json.put("duration_nanos", span.getEndEpochNanos() - span.getStartEpochNanos());
    json.put("model", span.getModel());
    json.put("provider", span.getProvider());
    json.put("input_tokens", span.getInputTokens());
    json.put("output_tokens", span.getOutputTokens());
    json.put("cache_read_tokens", span.getCacheReadTokens());
    json.put("cache_write_tokens", span.getCacheWriteTokens());
    json.put("reasoning_tokens", span.getReasoningTokens());
    json.put("cost_microcents", span.getCostMicrocents());
    json.put("cost_is_estimated", span.getCostIsEstimated());
    json.put("time_to_first_token_nanos", span.getTimeToFirstTokenNanos());
    json.put("session_id", span.getSessionId());
    json.put("user_id", span.getUserId());
    json.put("service_name", span.getServiceName());
    json.put("scope_name", span.getScopeName());
    json.set("tags", strings(span.getTags()));
    json.put("input", span.getInput());
    json.put("output", span.getOutput());
    json.set("attributes", attributes(span.getAttributes()));
    json.set("resource_attributes", attributes(span.getResourceAttributes()));
    ArrayNode events = json.putArray("events");
    for (SpanEvent event : span.getEvents()) {
      ObjectNode eventJson = events.addObject();
      eventJson.put("name", event.getName());
      eventJson.put("time_epoch_nanos", event.getTimeEpochNanos());
      eventJson.set("attributes", attributes(event.getAttributes()));
    }
    json.put("source", span.getSource());
    json.put("ingested_epoch_millis", span.getIngestedEpochMillis());
    return json;
  }

  private static ObjectNode attributes(Map<String, Object> attributes) {
    ObjectNode json = NODES.objectNode();
    attributes.forEach(
        (key, value) -> {
          if (value == null) {
            json.putNull(key);
          } else if (value instanceof Long l) {
            json.put(key, l);
          } else if (value instanceof Integer i) {
            json.put(key, i);
          } else if (value instanceof Double d) {
            json.put(key, d);
          } else if (value instanceof Float f) {
            json.put(key, f);
          } else if (value instanceof Boolean b) {
            json.put(key, b);
          } else {
            json.put(key, value.toString());
          }
        });
    return json;
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode array = NODES.arrayNode();
    values.forEach(array::add);
    return array;
  }

  private static String name(Enum<?> value) {
    return value == null ? null : value.name();
  }

  private static String lower(Enum<?> value) {
    return value == null ? null : value.name().toLowerCase(Locale.ROOT);
  }
}

package dev.tracefold.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.store.trace.StoredTrace;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The side-by-side diff of two traces ({@code POST /api/v1/traces/compare}): the rollups' figures
 * with their deltas (b - a), and the spans aligned by their path of names from the root (the n-th
 * span with a path in trace a meets the n-th with the same path in trace b, both in depth-first
 * order), each {@code added} (only in b), {@code removed} (only in a), {@code changed} (duration,
 * tokens, cost, status or output differ) or {@code unchanged}. Stateless and thread-safe.
 */
final class TraceComparison {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The rollup figures compared, by JSON name. */
  private static final Map<String, Function<TraceRollup, Long>> ROLLUP_FIGURES = rollupFigures();

  /** The span figures compared, by JSON name. */
  private static final Map<String, Function<Span, Long>> SPAN_FIGURES = spanFigures();

  private TraceComparison() {}

  /** The diff of {@code a} and {@code b} (both with their spans). */
  static ObjectNode compare(StoredTrace a, StoredTrace b) {
    ObjectNode json = NODES.objectNode();
    json.set("trace_a", TraceJson.summary(a));
    json.set("trace_b", TraceJson.summary(b));
    ObjectNode rollup = json.putObject("rollup");
    ObjectNode status = rollup.putObject("status");
    status.put("a", a.rollup().getStatus().name());
    status.put("b", b.rollup().getStatus().name());
    status.put("changed", a.rollup().getStatus() != b.rollup().getStatus());
    ROLLUP_FIGURES.forEach(
        (name, figure) ->
            rollup.set(name, delta(figure.apply(a.rollup()), figure.apply(b.rollup()))));

    Map<List<Object>, Span> spansA = aligned(a.spans());
    Map<List<Object>, Span> spansB = aligned(b.spans());
    List<List<Object>> keys = new ArrayList<>(spansA.keySet());
    spansB.keySet().stream().filter(key -> !spansA.containsKey(key)).forEach(keys::add);
    ArrayNode spans = json.putArray("spans");
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String change : List.of("added", "removed", "changed", "unchanged")) {
      counts.put(change, 0);
    }
    for (List<Object> key : keys) {
      ObjectNode entry = spanEntry(key, spansA.get(key), spansB.get(key));
      counts.merge(entry.get("change").asText(), 1, Integer::sum);
      spans.add(entry);
    }
    ObjectNode changes = json.putObject("span_changes");
    counts.forEach(changes::put);
    return json;
  }

  private static ObjectNode spanEntry(List<Object> key, Span a, Span b) {
    ObjectNode entry = NODES.objectNode();
    ArrayNode path = entry.putArray("path");
    ((List<?>) key.get(0)).forEach(name -> path.add((String) name));
    entry.put("occurrence", (Integer) key.get(1));
    ObjectNode differences = NODES.objectNode();
    String change;
    if (a == null) {
      change = "added";
    } else if (b == null) {
      change = "removed";
    } else {
      SPAN_FIGURES.forEach(
          (name, figure) -> {
            Long valueA = figure.apply(a);
            Long valueB = figure.apply(b);
            if (!Objects.equals(valueA, valueB)) {
              differences.set(name, delta(valueA, valueB));
            }
          });
      if (a.getStatus() != b.getStatus()) {
        ObjectNode status = differences.putObject("status");
        status.put("a", a.getStatus().name());
        status.put("b", b.getStatus().name());
      }
      if (!Objects.equals(a.getOutput(), b.getOutput())) {
        ObjectNode output = differences.putObject("output");
        output.put("a", a.getOutput());
        output.put("b", b.getOutput());
      }
      change = differences.isEmpty() ? "unchanged" : "changed";
    }
    entry.put("change", change);
    entry.set("a", a == null ? NODES.nullNode() : brief(a));
    entry.set("b", b == null ? NODES.nullNode() : brief(b));
    entry.set("differences", differences);
    return entry;
  }

  /**
   * The spans keyed by (path of names from the root-level span, occurrence of that path), in
   * depth-first order of the trace's {@link SpanTree}.
   */
  private static Map<List<Object>, Span> aligned(List<Span> spans) {
    SpanTree tree = SpanTree.of(spans);
    Map<String, List<String>> pathById = new HashMap<>();
    Map<List<String>, Integer> seen = new HashMap<>();
    Map<List<Object>, Span> keyed = new LinkedHashMap<>();
    Deque<SpanTree.Node> stack = new ArrayDeque<>();
    for (int i = tree.roots().size() - 1; i >= 0; i--) {
      stack.push(tree.roots().get(i));
    }
    while (!stack.isEmpty()) {
      SpanTree.Node node = stack.pop();
      Span span = node.span();
      // root-level spans (roots, orphans, cut cycles) start a path; others extend their
      // parent's, which depth-first order has visited already (flattened spans too)
      List<String> parentPath =
          node.depth() == 0 ? List.of() : pathById.get(span.getParentSpanId());
      List<String> path = new ArrayList<>(parentPath);
      path.add(span.getName());
      pathById.put(span.getSpanId(), path);
      int occurrence = seen.merge(path, 1, Integer::sum) - 1;
      keyed.put(List.of(List.copyOf(path), occurrence), span);
      for (int i = node.children().size() - 1; i >= 0; i--) {
        stack.push(node.children().get(i));
      }
    }
    return keyed;
  }

  private static ObjectNode brief(Span span) {
    ObjectNode json = NODES.objectNode();
    json.put("span_id", span.getSpanId());
    json.put("name", span.getName());
    json.put("status", span.getStatus().name());
    SPAN_FIGURES.forEach((name, figure) -> json.put(name, figure.apply(span)));
    json.put("output", span.getOutput());
    return json;
  }

  /** {@code {"a", "b", "delta"}}; delta is null when either side is. */
  private static ObjectNode delta(Long a, Long b) {
    ObjectNode json = NODES.objectNode();
    json.put("a", a);
    json.put("b", b);
    json.put("delta", a == null || b == null ? null : b - a);
    return json;
  }

  private static Map<String, Function<TraceRollup, Long>> rollupFigures() {
    Map<String, Function<TraceRollup, Long>> figures = new LinkedHashMap<>();
    figures.put("duration_nanos", TraceRollup::getDurationNanos);
    figures.put("span_count", r -> (long) r.getSpanCount());
    figures.put("error_count", r -> (long) r.getErrorCount());
    figures.put("input_tokens", TraceRollup::getInputTokens);
    figures.put("output_tokens", TraceRollup::getOutputTokens);
    figures.put("total_tokens", TraceRollup::getTotalTokens);
    figures.put("cost_microcents", TraceRollup::getCostMicrocents);
    figures.put("time_to_first_token_nanos", TraceRollup::getTimeToFirstTokenNanos);
    return figures;
  }

  private static Map<String, Function<Span, Long>> spanFigures() {
    Map<String, Function<Span, Long>> figures = new LinkedHashMap<>();
    figures.put("duration_nanos", s -> s.getEndEpochNanos() - s.getStartEpochNanos());
    figures.put("input_tokens", Span::getInputTokens);
    figures.put("output_tokens", Span::getOutputTokens);
    figures.put("cost_microcents", Span::getCostMicrocents);
    return figures;
  }
}

package dev.tracefold.api;

import dev.tracefold.schemas.Span;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The spans of one trace arranged by parent: each span's children ordered by start time (then span
 * id). Works on any data, however broken:
 *
 * <ul>
 *   <li>a span whose parent never arrived is an <b>orphan</b>: listed at the root level, marked;
 *   <li>spans whose parent links form a <b>cycle</b> (A's parent is B, B's parent is A; or a span
 *       its own parent) would never be reached from a root: the earliest-starting span of each
 *       cycle is cut from its parent, listed at the root level and marked, and the rest of the
 *       cycle hangs below it;
 *   <li>nesting stops at depth {@link #MAX_NESTING}: the descendants of a span at that depth are
 *       listed, in depth-first order, as its children and marked <b>flattened</b> (JSON readers and
 *       writers limit nesting; their {@code depth} still says how deep they are).
 * </ul>
 *
 * Built without recursion, so trees of any depth are safe. Root-level spans are in start order.
 * Immutable once built; thread-safe.
 */
final class SpanTree {
  /** Deepest nesting rendered; spans below a span at this depth are flattened into it. */
  static final int MAX_NESTING = 100;

  private final List<Node> roots;
  private final List<Node> inStartOrder;

  private SpanTree(List<Node> roots, List<Node> inStartOrder) {
    this.roots = roots;
    this.inStartOrder = inStartOrder;
  }

  /**
   * One span in the tree.
   *
   * @param span the span
   * @param depth levels below its root (0 for root-level spans), counted along parent links
   * @param orphan its parent is not among the trace's spans
   * @param cycleCut its parent links form a cycle, cut here
   * @param flattened listed under its ancestor at depth {@link #MAX_NESTING}, not its parent
   * @param children its children (or flattened descendants), in start order
   */
  record Node(
      Span span,
      int depth,
      boolean orphan,
      boolean cycleCut,
      boolean flattened,
      List<Node> children) {}

  /** Root-level nodes in start order. */
  List<Node> roots() {
    return roots;
  }

  /** Every node, in the spans' start order (start time, then span id). */
  List<Node> inStartOrder() {
    return inStartOrder;
  }

  /**
   * Arranges the spans of one trace.
   *
   * @param spans the trace's spans in start order (start time, then span id), span ids distinct
   */
  static SpanTree of(List<Span> spans) {
    Objects.requireNonNull(spans, "spans");
    Map<String, Integer> indexById = new HashMap<>();
    for (int i = 0; i < spans.size(); i++) {
      indexById.putIfAbsent(spans.get(i).getSpanId(), i);
    }
    Map<Integer, List<Integer>> childrenOf = new HashMap<>();
    List<Integer> rootIndexes = new ArrayList<>();
    Set<Integer> orphans = new HashSet<>();
    for (int i = 0; i < spans.size(); i++) {
      String parent = spans.get(i).getParentSpanId();
      Integer parentIndex = parent == null ? null : indexById.get(parent);
      if (parent == null) {
        rootIndexes.add(i);
      } else if (parentIndex == null) {
        rootIndexes.add(i);
        orphans.add(i);
      } else if (parentIndex != i) {
        childrenOf.computeIfAbsent(parentIndex, k -> new ArrayList<>()).add(i);
      }
    }
    Builder builder = new Builder(spans, childrenOf, orphans);
    for (int root : rootIndexes) {
      builder.addRoot(root, false);
    }
    // what no root reaches hangs off a cycle: cut each cycle at its earliest span
    for (int i = 0; i < spans.size(); i++) {
      if (!builder.visited(i)) {
        builder.addRoot(earliestInCycleAbove(i, spans, indexById), true);
      }
    }
    return builder.build();
  }

  /** Follows parent links up from {@code start} to the cycle they end in; its earliest span. */
  private static int earliestInCycleAbove(
      int start, List<Span> spans, Map<String, Integer> indexById) {
    Map<Integer, Integer> stepOf = new HashMap<>();
    List<Integer> path = new ArrayList<>();
    int current = start;
    while (!stepOf.containsKey(current)) {
      stepOf.put(current, path.size());
      path.add(current);
      // an unvisited span's parent is always present (else it would be a root or an orphan)
      current = indexById.get(spans.get(current).getParentSpanId());
    }
    return Collections.min(path.subList(stepOf.get(current), path.size()));
  }

  private static final class Builder {
    private final List<Span> spans;
    private final Map<Integer, List<Integer>> childrenOf;
    private final Set<Integer> orphans;
    private final Node[] nodes;
    private final Map<Node, List<Node>> childLists = new IdentityHashMap<>();
    private final List<Node> roots = new ArrayList<>();

    Builder(List<Span> spans, Map<Integer, List<Integer>> childrenOf, Set<Integer> orphans) {
      this.spans = spans;
      this.childrenOf = childrenOf;
      this.orphans = orphans;
      this.nodes = new Node[spans.size()];
    }

    boolean visited(int index) {
      return nodes[index] != null;
    }

    /** Adds the subtree of {@code root}, depth first, skipping spans already placed. */
    void addRoot(int root, boolean cycleCut) {
      Node rootNode = node(root, 0, cycleCut, false);
      roots.add(rootNode);
      Deque<Frame> stack = new ArrayDeque<>();
      pushChildren(stack, root, rootNode, 0);
      while (!stack.isEmpty()) {
        Frame frame = stack.pop();
        if (visited(frame.index)) {
          continue;
        }
        boolean flattened = frame.depth > MAX_NESTING;
        Node node = node(frame.index, frame.depth, false, flattened);
        childLists.get(frame.attachTo).add(node);
        // below the nesting limit, descendants attach to the ancestor at the limit
        pushChildren(stack, frame.index, flattened ? frame.attachTo : node, frame.depth);
      }
    }

    private void pushChildren(Deque<Frame> stack, int parent, Node attachTo, int parentDepth) {
      List<Integer> children = childrenOf.getOrDefault(parent, List.of());
      for (int i = children.size() - 1; i >= 0; i--) {
        stack.push(new Frame(children.get(i), parentDepth + 1, attachTo));
      }
    }

    private Node node(int index, int depth, boolean cycleCut, boolean flattened) {
      List<Node> children = new ArrayList<>();
      Node node =
          new Node(
              spans.get(index),
              depth,
              orphans.contains(index),
              cycleCut,
              flattened,
              Collections.unmodifiableList(children));
      childLists.put(node, children);
      nodes[index] = node;
      return node;
    }

    SpanTree build() {
      // cycle roots were appended after the others: restore start order at the root level
      List<Node> ordered = new ArrayList<>(roots);
      Map<Node, Integer> position = new IdentityHashMap<>();
      for (int i = 0; i < nodes.length; i++) {
        position.put(nodes[i], i);
      }
      ordered.sort((a, b) -> Integer.compare(position.get(a), position.get(b)));
      return new SpanTree(List.copyOf(ordered), List.of(nodes));
    }
  }

  private record Frame(int index, int depth, Node attachTo) {}
}

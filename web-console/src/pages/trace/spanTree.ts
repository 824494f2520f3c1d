import type { Span } from '../../api/types';

/** One span placed in the trace's tree (indexes point into {@link SpanTree.nodes}). */
export interface SpanNode {
  span: Span;
  /** Position in {@link SpanTree.nodes} (the input order). */
  index: number;
  /** Levels below its root-level span (0 for roots). */
  depth: number;
  parent: number | null;
  /** Children in start order (start time, then span id). */
  children: number[];
  /** Its parent is named but not among the loaded spans (never arrived, or not loaded yet). */
  orphan: boolean;
  /** Cut out of a parent-link cycle and listed at the root level (the API's `cycle`). */
  cycle: boolean;
  /** Own cost plus every descendant's, in microcents; null when no span of the subtree has one. */
  subtreeCost: number | null;
  /** Some cost in the subtree is estimated. */
  subtreeCostEstimated: boolean;
  /** ERROR spans in the subtree, itself included. */
  subtreeErrors: number;
}

export interface SpanTree {
  nodes: SpanNode[];
  /** Root-level nodes in start order: true roots, orphans and cycle cuts. */
  roots: number[];
  /** Node index by span id (the first span of a duplicated id). */
  byId: Map<string, number>;
  /** Earliest start and latest end over every span, epoch nanoseconds (0 when empty). */
  start: number;
  end: number;
}

function byStart(nodes: SpanNode[]) {
  return (a: number, b: number) => {
    const sa = nodes[a].span;
    const sb = nodes[b].span;
    if (sa.start_epoch_nanos !== sb.start_epoch_nanos) return sa.start_epoch_nanos - sb.start_epoch_nanos;
    return sa.span_id < sb.span_id ? -1 : sa.span_id > sb.span_id ? 1 : a - b;
  };
}

/**
 * Builds the span tree from flat spans by `parent_span_id`, from any data however broken: a span
 * whose parent is not loaded is a root-level orphan; a span the API marked `cycle`, and any span
 * only reachable through a parent-link cycle (then the cycle's earliest-starting span), is cut to
 * the root level with `cycle`. Depth is counted along the tree shown; cost and errors are rolled
 * up into ancestors. Iterative throughout, so a chain of 20,000 spans does not overflow the stack.
 */
export function buildSpanTree(spans: readonly Span[]): SpanTree {
  const nodes: SpanNode[] = spans.map((span, index) => ({
    span,
    index,
    depth: 0,
    parent: null,
    children: [],
    orphan: false,
    cycle: false,
    subtreeCost: null,
    subtreeCostEstimated: false,
    subtreeErrors: 0,
  }));
  const byId = new Map<string, number>();
  for (const node of nodes) if (!byId.has(node.span.span_id)) byId.set(node.span.span_id, node.index);

  const rootSet: number[] = [];
  for (const node of nodes) {
    const parentId = node.span.parent_span_id;
    const parent = parentId ? byId.get(parentId) : undefined;
    if (!parentId) {
      rootSet.push(node.index);
    } else if (parent === undefined) {
      node.orphan = true;
      rootSet.push(node.index);
    } else if (node.span.cycle || parent === node.index) {
      node.cycle = true;
      rootSet.push(node.index);
    } else {
      node.parent = parent;
      nodes[parent].children.push(node.index);
    }
  }
  const order = byStart(nodes);
  for (const node of nodes) node.children.sort(order);

  const visited = new Uint8Array(nodes.length);
  const roots: number[] = [];
  const walk = (root: number) => {
    roots.push(root);
    const stack = [root];
    nodes[root].depth = 0;
    visited[root] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      const kept: number[] = [];
      for (const c of nodes[i].children) {
        if (visited[c]) continue;
        visited[c] = 1;
        nodes[c].depth = nodes[i].depth + 1;
        kept.push(c);
        stack.push(c);
      }
      nodes[i].children = kept;
    }
  };
  rootSet.sort(order).forEach(walk);
  // Whatever is still unvisited hangs on a cycle: cut each cycle at its earliest-starting span.
  const rest = nodes
    .filter((n) => !visited[n.index])
    .map((n) => n.index)
    .sort(order);
  for (const i of rest) {
    if (visited[i]) continue;
    const node = nodes[i];
    if (node.parent !== null) {
      const siblings = nodes[node.parent].children;
      const at = siblings.indexOf(i);
      if (at >= 0) siblings.splice(at, 1);
    }
    node.parent = null;
    node.cycle = true;
    walk(i);
  }
  roots.sort(order);

  // Roll up in reverse pre-order (children before parents).
  for (const i of preOrder(nodes, roots).reverse()) {
    const node = nodes[i];
    let cost = node.span.cost_microcents;
    let estimated = cost !== null && node.span.cost_is_estimated === true;
    let errors = node.span.status === 'ERROR' ? 1 : 0;
    for (const c of node.children) {
      const child = nodes[c];
      if (child.subtreeCost !== null) cost = (cost ?? 0) + child.subtreeCost;
      estimated = estimated || child.subtreeCostEstimated;
      errors += child.subtreeErrors;
    }
    node.subtreeCost = cost;
    node.subtreeCostEstimated = estimated;
    node.subtreeErrors = errors;
  }

  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    start = Math.min(start, s.start_epoch_nanos);
    end = Math.max(end, s.end_epoch_nanos, s.start_epoch_nanos);
  }
  return { nodes, roots, byId, start: spans.length ? start : 0, end: spans.length ? end : 0 };
}

function preOrder(nodes: SpanNode[], roots: number[]): number[] {
  const out: number[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const i = stack.pop()!;
    out.push(i);
    const children = nodes[i].children;
    for (let c = children.length - 1; c >= 0; c--) stack.push(children[c]);
  }
  return out;
}

/** A visible row of the tree: a node whose ancestors are all expanded. */
export interface TreeRow {
  node: number;
  depth: number;
  hasChildren: boolean;
  expanded: boolean;
}

/**
 * The rows shown, in depth-first order, skipping the descendants of collapsed nodes (`collapsed`
 * holds node indexes).
 */
export function visibleRows(tree: SpanTree, collapsed: ReadonlySet<number>): TreeRow[] {
  const rows: TreeRow[] = [];
  const stack = [...tree.roots].reverse();
  while (stack.length) {
    const i = stack.pop()!;
    const node = tree.nodes[i];
    const hasChildren = node.children.length > 0;
    const expanded = hasChildren && !collapsed.has(i);
    rows.push({ node: i, depth: node.depth, hasChildren, expanded });
    if (expanded) for (let c = node.children.length - 1; c >= 0; c--) stack.push(node.children[c]);
  }
  return rows;
}

/** The ancestors of a node, nearest first (to expand them when a hidden span is selected). */
export function ancestors(tree: SpanTree, index: number): number[] {
  const out: number[] = [];
  let p = tree.nodes[index]?.parent ?? null;
  while (p !== null && out.length <= tree.nodes.length) {
    out.push(p);
    p = tree.nodes[p].parent;
  }
  return out;
}

import { describe, expect, it } from 'vitest';
import { ancestors, buildSpanTree, visibleRows } from './spanTree';
import { makeSpan } from '../../test/fixtures';

const spans = [
  makeSpan({ span_id: 'root', start_epoch_nanos: 0, end_epoch_nanos: 1000, cost_microcents: 5 }),
  makeSpan({
    span_id: 'b',
    parent_span_id: 'root',
    start_epoch_nanos: 500,
    end_epoch_nanos: 900,
    cost_microcents: 100,
  }),
  makeSpan({ span_id: 'a', parent_span_id: 'root', start_epoch_nanos: 100, end_epoch_nanos: 400 }),
  makeSpan({
    span_id: 'a1',
    parent_span_id: 'a',
    start_epoch_nanos: 150,
    end_epoch_nanos: 300,
    cost_microcents: 20,
    cost_is_estimated: true,
    status: 'ERROR',
  }),
  makeSpan({ span_id: 'lost', parent_span_id: 'never-arrived', start_epoch_nanos: 50, end_epoch_nanos: 60 }),
];

const names = (tree: ReturnType<typeof buildSpanTree>, rows: ReturnType<typeof visibleRows>) =>
  rows.map((r) => `${'-'.repeat(r.depth)}${tree.nodes[r.node].span.span_id}`);

describe('buildSpanTree', () => {
  it('nests by parent_span_id in start order with depths, orphans at the root level', () => {
    const tree = buildSpanTree(spans);
    expect(names(tree, visibleRows(tree, new Set()))).toEqual(['root', '-a', '--a1', '-b', 'lost']);
    const lost = tree.nodes[tree.byId.get('lost')!];
    expect(lost.orphan).toBe(true);
    expect(lost.depth).toBe(0);
    expect(tree.nodes[tree.byId.get('root')!].orphan).toBe(false);
    expect(tree.start).toBe(0);
    expect(tree.end).toBe(1000);
  });

  it('rolls cost and errors up into ancestors', () => {
    const tree = buildSpanTree(spans);
    const root = tree.nodes[tree.byId.get('root')!];
    expect(root.subtreeCost).toBe(125);
    expect(root.subtreeCostEstimated).toBe(true);
    expect(root.subtreeErrors).toBe(1);
    const b = tree.nodes[tree.byId.get('b')!];
    expect(b.subtreeCost).toBe(100);
    expect(b.subtreeCostEstimated).toBe(false);
    expect(tree.nodes[tree.byId.get('lost')!].subtreeCost).toBeNull();
  });

  it('hides the descendants of collapsed nodes', () => {
    const tree = buildSpanTree(spans);
    const rows = visibleRows(tree, new Set([tree.byId.get('a')!]));
    expect(names(tree, rows)).toEqual(['root', '-a', '-b', 'lost']);
    const a = rows.find((r) => r.node === tree.byId.get('a'))!;
    expect(a.hasChildren).toBe(true);
    expect(a.expanded).toBe(false);
    expect(names(tree, visibleRows(tree, new Set([tree.byId.get('root')!])))).toEqual(['root', 'lost']);
    expect(ancestors(tree, tree.byId.get('a1')!)).toEqual([tree.byId.get('a')!, tree.byId.get('root')!]);
  });

  it('cuts parent-link cycles at the earliest-starting span and keeps every span', () => {
    const tree = buildSpanTree([
      makeSpan({ span_id: 'x', parent_span_id: 'y', start_epoch_nanos: 20 }),
      makeSpan({ span_id: 'y', parent_span_id: 'x', start_epoch_nanos: 10 }),
      makeSpan({ span_id: 'self', parent_span_id: 'self', start_epoch_nanos: 30 }),
    ]);
    expect(names(tree, visibleRows(tree, new Set()))).toEqual(['y', '-x', 'self']);
    expect(tree.nodes[tree.byId.get('y')!].cycle).toBe(true);
    expect(tree.nodes[tree.byId.get('self')!].cycle).toBe(true);
    expect(tree.nodes[tree.byId.get('x')!].cycle).toBe(false);
  });

  it('keeps the API cycle flag as a root-level cut', () => {
    const tree = buildSpanTree([
      makeSpan({ span_id: 'p', start_epoch_nanos: 0 }),
      makeSpan({ span_id: 'c', parent_span_id: 'p', cycle: true, start_epoch_nanos: 5 }),
    ]);
    expect(names(tree, visibleRows(tree, new Set()))).toEqual(['p', 'c']);
  });

  it('handles a chain of 20,000 spans without overflowing the stack', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) =>
      makeSpan({ span_id: `s${i}`, parent_span_id: i ? `s${i - 1}` : null, start_epoch_nanos: i, cost_microcents: 1 }),
    );
    const tree = buildSpanTree(chain);
    expect(tree.nodes[tree.byId.get('s19999')!].depth).toBe(19_999);
    expect(tree.nodes[tree.byId.get('s0')!].subtreeCost).toBe(20_000);
    expect(visibleRows(tree, new Set())).toHaveLength(20_000);
  });
});

import { describe, expect, it, vi, beforeEach, afterEach } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import type { Comparison } from '../../api/types';
import { fakeFetch } from '../../test/fakeFetch';
import { renderAt, traceSummary } from '../../test/fixtures';
import { ComparePage } from './ComparePage';
import { alignedRows, formatDelta } from './compareModel';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

const side = (name: string, over: Record<string, unknown> = {}) => ({
  span_id: name.padEnd(16, '0'),
  name,
  status: 'OK' as const,
  duration_nanos: 50_000_000,
  input_tokens: 100,
  output_tokens: 5,
  cost_microcents: 1000,
  output: 'Paris',
  ...over,
});

const comparison: Comparison = {
  trace_a: traceSummary({ id: A, name: 'run A' }),
  trace_b: traceSummary({ id: B, name: 'run B', status: 'ERROR' }),
  rollup: {
    status: { a: 'OK', b: 'ERROR', changed: true },
    duration_nanos: { a: 100_000_000, b: 300_000_000, delta: 200_000_000 },
    cost_microcents: { a: 2000, b: 1000, delta: -1000 },
    span_count: { a: 3, b: 3, delta: 0 },
    error_count: { a: 0, b: 1, delta: 1 },
  },
  spans: [
    { path: ['agent'], occurrence: 0, change: 'unchanged', a: side('agent'), b: side('agent'), differences: {} },
    {
      path: ['agent', 'chat'],
      occurrence: 0,
      change: 'changed',
      a: side('chat'),
      b: side('chat', { status: 'ERROR', duration_nanos: 80_000_000, output: 'Lyon <b>x</b>' }),
      differences: { status: { a: 'OK', b: 'ERROR' }, output: { a: 'Paris', b: 'Lyon' } },
    },
    { path: ['agent', 'search'], occurrence: 0, change: 'removed', a: side('search'), b: null, differences: {} },
    { path: ['agent', 'retry'], occurrence: 0, change: 'added', a: null, b: side('retry'), differences: {} },
  ],
  span_changes: { added: 1, removed: 1, changed: 1, unchanged: 1 },
};

describe('compare model', () => {
  it('writes signed deltas in human units', () => {
    expect(formatDelta({ a: 100_000_000, b: 300_000_000, delta: 200_000_000 }, 'duration')).toBe('+200 ms');
    expect(formatDelta({ a: 2000, b: 1000, delta: -1000 }, 'cost')).toBe('−$0.00001');
    expect(formatDelta({ a: 'OK', b: 'ERROR', changed: true }, 'status')).toBe('OK → ERROR');
    expect(formatDelta({ a: null, b: 5, delta: null }, 'count')).toBe('–');
  });

  it('indents by path and keeps only changed rows on demand', () => {
    const rows = alignedRows(comparison, false);
    expect(rows.map((r) => [r.name, r.depth])).toEqual([
      ['agent', 0],
      ['chat', 1],
      ['search', 1],
      ['retry', 1],
    ]);
    expect(rows[1].duration.delta).toBe(30_000_000);
    expect(alignedRows(comparison, true).map((r) => r.name)).toEqual(['chat', 'search', 'retry']);
  });
});

describe('ComparePage', () => {
  let fake: ReturnType<typeof fakeFetch>;
  beforeEach(() => {
    fake = fakeFetch().route('POST', '/api/v1/traces/compare', [200, comparison]);
    vi.stubGlobal('fetch', fake.fetch);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('asks for two ids when one is missing', () => {
    renderAt(`/compare?a=${A}`, '/compare', <ComparePage />);
    expect(screen.getByLabelText('Trace A id')).toHaveValue(A);
    expect(screen.getByLabelText('Trace B id')).toHaveValue('');
    expect(screen.getByRole('button', { name: 'Compare' })).toBeInTheDocument();
    expect(fake.calls).toHaveLength(0);
  });

  it('posts the two ids and shows rollup deltas and aligned rows', async () => {
    renderAt(`/compare?a=${A}&b=${B}`, '/compare', <ComparePage />);
    const rollup = await screen.findByRole('table', { name: 'Rollup comparison' });
    expect(fake.calls[0].body).toEqual({ trace_id_a: A, trace_id_b: B });
    const duration = within(rollup).getByRole('row', { name: /Duration/ });
    expect(duration).toHaveTextContent('100 ms');
    expect(duration).toHaveTextContent('300 ms');
    expect(duration).toHaveTextContent('+200 ms');
    expect(within(rollup).getByRole('row', { name: /^Status/ })).toHaveTextContent('OK → ERROR');
    expect(within(rollup).getByRole('row', { name: /^Cost/ })).toHaveTextContent('better');

    const spans = screen.getByRole('table', { name: 'Aligned spans' });
    const chat = within(spans).getByRole('row', { name: /^chat/ });
    expect(chat).toHaveTextContent('changed');
    expect(chat).toHaveTextContent('OK → ERROR');
    expect(chat).toHaveTextContent('+30 ms');
    expect(within(spans).getByRole('row', { name: /^search/ })).toHaveTextContent('removed');
    expect(within(spans).getByRole('row', { name: /^retry/ })).toHaveTextContent('added');
    // outputs side by side for the changed row, as text
    expect(screen.getByRole('group', { name: 'Output B of chat' })).toHaveTextContent('Lyon <b>x</b>');
    expect(screen.getByRole('group', { name: 'Output A of chat' })).toHaveTextContent('Paris');

    fireEvent.click(screen.getByRole('checkbox', { name: 'Only changed' }));
    expect(
      within(screen.getByRole('table', { name: 'Aligned spans' })).queryByRole('row', { name: /^agent/ }),
    ).toBeNull();
    expect(
      within(screen.getByRole('table', { name: 'Aligned spans' })).getByRole('row', { name: /^chat/ }),
    ).toBeInTheDocument();
  });

  it('shows the API error naming the missing trace', async () => {
    fake = fakeFetch().route('POST', '/api/v1/traces/compare', [
      404,
      { error: 'no trace bbbb', parameter: 'trace_id_b' },
    ]);
    vi.stubGlobal('fetch', fake.fetch);
    renderAt(`/compare?a=${A}&b=${B}`, '/compare', <ComparePage />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Error (trace_id_b): no trace bbbb');
  });
});

import { describe, expect, it } from 'vitest';
import { cursorScope, formatTotal, listRequestQuery, pageAggregates, readListView, writeListView } from './listQuery';
import { traceSummary } from '../../test/fixtures';

describe('list view <-> URL', () => {
  it('reads filters, sort and page size, with defaults for the rest', () => {
    const view = readListView(
      new URLSearchParams('status=ERROR&status=OK&sort_by=cost&page_size=500&cursor=x&metadata.env=prod'),
    );
    expect(view).toEqual({
      filter: { status: ['ERROR', 'OK'], 'metadata.env': ['prod'] },
      sortBy: 'cost',
      sortOrder: 'desc',
      pageSize: 500,
    });
    expect(readListView(new URLSearchParams('sort_by=colour&page_size=9000'))).toMatchObject({
      sortBy: 'start_time',
      pageSize: 100,
    });
  });

  it('writes only what differs from the defaults', () => {
    expect(writeListView({ filter: {}, sortBy: 'start_time', sortOrder: 'desc', pageSize: 100 }).toString()).toBe('');
    expect(
      writeListView({ filter: { tags: ['a', 'b'] }, sortBy: 'duration', sortOrder: 'asc', pageSize: 50 }).toString(),
    ).toBe('tags=a&tags=b&sort_by=duration&sort_order=asc&page_size=50');
  });

  it('builds the API request with sort, size and cursor', () => {
    const view = readListView(new URLSearchParams('models=gpt-4o&sort_order=asc'));
    expect(listRequestQuery(view, 'abc').toString()).toBe(
      'models=gpt-4o&sort_by=start_time&sort_order=asc&page_size=100&cursor=abc',
    );
  });

  it('scopes cursors by filters and sort but not page size', () => {
    const a = readListView(new URLSearchParams('status=ERROR&page_size=50'));
    const b = readListView(new URLSearchParams('status=ERROR&page_size=200'));
    const c = readListView(new URLSearchParams('status=OK'));
    expect(cursorScope(a)).toBe(cursorScope(b));
    expect(cursorScope(a)).not.toBe(cursorScope(c));
  });
});

describe('pageAggregates', () => {
  it('counts errors, in-progress traces, sums known costs and takes duration percentiles', () => {
    const traces = [
      traceSummary({ id: 'a', status: 'ERROR', cost_microcents: 100, duration_nanos: 10 }),
      traceSummary({ id: 'b', state: 'in_progress', cost_microcents: null, duration_nanos: 30 }),
      traceSummary({ id: 'c', cost_microcents: 250, duration_nanos: 20 }),
      traceSummary({ id: 'd', cost_microcents: 0, duration_nanos: null }),
    ];
    expect(pageAggregates(traces)).toEqual({
      count: 4,
      errors: 1,
      inProgress: 1,
      totalCostMicrocents: 350,
      withoutCost: 1,
      p50DurationNanos: 20,
      p95DurationNanos: 30,
    });
    expect(pageAggregates([]).p50DurationNanos).toBeNull();
  });

  it('formats capped totals', () => {
    expect(formatTotal(1000, true)).toBe('1,000+');
    expect(formatTotal(1234, false)).toBe('1,234');
  });
});

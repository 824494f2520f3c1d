/**
 * The traces list's view as its URL query holds it (filters, sort, page size) and the request it
 * makes of `GET /api/v1/traces` (docs/api.md "List traces"); plus the page's aggregates.
 */
import { filterFromSearch, filterToSearch, isFilterParam } from '../../filters/filter';
import type { StoredFilter } from '../../filters/filter';
import type { TraceSummary } from '../../api/types';

/** The API's `sort_by` keys the console offers, with their labels. */
export const SORT_KEYS = [
  ['start_time', 'Start time'],
  ['end_time', 'End time'],
  ['duration', 'Duration'],
  ['cost', 'Cost'],
  ['total_tokens', 'Total tokens'],
  ['span_count', 'Span count'],
  ['error_count', 'Error count'],
  ['created_at', 'Stored at'],
] as const;

export type SortKey = (typeof SORT_KEYS)[number][0];
export type SortOrder = 'asc' | 'desc';

/** The page sizes offered (the API takes 1 to 500). */
export const PAGE_SIZES = [50, 100, 200, 500] as const;
export const DEFAULT_PAGE_SIZE = 100;

/** What the list shows: the filter, the sort (API `sort_by`/`sort_order`) and traces per page. */
export interface ListView {
  filter: StoredFilter;
  sortBy: SortKey;
  sortOrder: SortOrder;
  pageSize: number;
}

function isSortKey(value: string | null): value is SortKey {
  return SORT_KEYS.some(([key]) => key === value);
}

/** The view of a URL query; unknown sort keys and sizes fall back to newest first, 100 a page. */
export function readListView(search: URLSearchParams): ListView {
  const sortBy = search.get('sort_by');
  const size = Number(search.get('page_size'));
  return {
    filter: filterFromSearch(search),
    sortBy: isSortKey(sortBy) ? sortBy : 'start_time',
    sortOrder: search.get('sort_order') === 'asc' ? 'asc' : 'desc',
    pageSize: Number.isInteger(size) && size >= 1 && size <= 500 ? size : DEFAULT_PAGE_SIZE,
  };
}

/** The URL query of a view (defaults left out, so the plain `/traces` stays plain). */
export function writeListView(view: ListView): URLSearchParams {
  const search = filterToSearch(view.filter);
  if (view.sortBy !== 'start_time') search.set('sort_by', view.sortBy);
  if (view.sortOrder !== 'desc') search.set('sort_order', view.sortOrder);
  if (view.pageSize !== DEFAULT_PAGE_SIZE) search.set('page_size', String(view.pageSize));
  return search;
}

/**
 * The query of `GET /api/v1/traces` for a view: its filters, `sort_by`, `sort_order`,
 * `page_size` and, for pages after the first, `cursor`.
 */
export function listRequestQuery(view: ListView, cursor?: string | null): URLSearchParams {
  const query = filterToSearch(view.filter);
  query.set('sort_by', view.sortBy);
  query.set('sort_order', view.sortOrder);
  query.set('page_size', String(view.pageSize));
  if (cursor) query.set('cursor', cursor);
  return query;
}

/** The view's identity for cursors: a cursor is valid only with the same filters and sort. */
export function cursorScope(view: ListView): string {
  const query = filterToSearch(view.filter);
  query.set('sort_by', view.sortBy);
  query.set('sort_order', view.sortOrder);
  query.sort();
  return query.toString();
}

/** True when the filter has any filter parameter with a value. */
export function hasFilters(filter: StoredFilter): boolean {
  return Object.entries(filter).some(([name, values]) => isFilterParam(name) && values.some((v) => v !== ''));
}

/** Figures of one page of traces. */
export interface PageAggregates {
  count: number;
  /** Traces with status ERROR. */
  errors: number;
  inProgress: number;
  /** Sum of the known costs, microcents. */
  totalCostMicrocents: number;
  /** Traces without a cost. */
  withoutCost: number;
  /** Median and 95th percentile of the known durations (nearest rank), nanoseconds; null if none. */
  p50DurationNanos: number | null;
  p95DurationNanos: number | null;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Count, errors, traces in progress, total cost (microcents) and p50/p95 duration (ns) of a page. */
export function pageAggregates(traces: readonly TraceSummary[]): PageAggregates {
  const durations = traces
    .map((t) => t.duration_nanos)
    .filter((d): d is number => d !== null)
    .sort((a, b) => a - b);
  return {
    count: traces.length,
    errors: traces.filter((t) => t.status === 'ERROR').length,
    inProgress: traces.filter((t) => t.state === 'in_progress').length,
    totalCostMicrocents: traces.reduce((sum, t) => sum + (t.cost_microcents ?? 0), 0),
    withoutCost: traces.filter((t) => t.cost_microcents === null).length,
    p50DurationNanos: percentile(durations, 50),
    p95DurationNanos: percentile(durations, 95),
  };
}

/** `1,000+` when the count is capped, else the count with thousands separators. */
export function formatTotal(total: number, capped: boolean): string {
  return `${total.toLocaleString('en-US')}${capped ? '+' : ''}`;
}

/**
 * The trace filter language of `GET /api/v1/traces` (docs/api.md, "Filters"), as the console
 * holds it: parameter name to values, the shape rules, queues and trace sets store
 * ({@link StoredFilter}). The same object is the list page's URL query, a rule's `filter` and a
 * queue's `filter`, so one filter panel builds all of them.
 */
import type { StoredFilter } from '../api/types';

export type { StoredFilter };

/** How the filter panel edits a parameter. */
export type FilterKind =
  | 'multi' // several values, chosen (enum or project values)
  | 'text' // one free-text value
  | 'texts' // several free-text values
  | 'min' // lower bound of a range (whole number or, for scores, any number)
  | 'max' // upper bound
  | 'boolean'
  | 'datetime' // RFC 3339 instant
  | 'choice'; // one of a fixed set

export interface FilterParam {
  name: string;
  label: string;
  kind: FilterKind;
  /** Fixed choices of `multi`/`choice` parameters. */
  choices?: readonly string[];
  /** Which facet of `GET /api/v1/traces/facets` fills a `multi` parameter. */
  facet?: 'models' | 'providers' | 'service_names' | 'tags' | 'sources';
  /** Unit a range is entered in, converted to the API's unit by `scale`. */
  unit?: 'ms' | 'usd' | 'count' | 'score';
  group: 'trace' | 'time' | 'ranges' | 'scores';
}

/** Every filter parameter of `GET /api/v1/traces` but `metadata.<key>` (see {@link METADATA_PREFIX}). */
export const FILTER_PARAMS: readonly FilterParam[] = [
  { name: 'search', label: 'Search name, input, output', kind: 'text', group: 'trace' },
  { name: 'status', label: 'Status', kind: 'multi', choices: ['OK', 'ERROR', 'UNSET'], group: 'trace' },
  { name: 'state', label: 'State', kind: 'multi', choices: ['in_progress', 'complete'], group: 'trace' },
  { name: 'name', label: 'Name (exact)', kind: 'text', group: 'trace' },
  { name: 'name_contains', label: 'Name contains', kind: 'text', group: 'trace' },
  { name: 'trace_id', label: 'Trace ids', kind: 'texts', group: 'trace' },
  { name: 'session_id', label: 'Session ids', kind: 'texts', group: 'trace' },
  { name: 'user_id', label: 'User ids', kind: 'texts', group: 'trace' },
  { name: 'models', label: 'Models', kind: 'multi', facet: 'models', group: 'trace' },
  { name: 'providers', label: 'Providers', kind: 'multi', facet: 'providers', group: 'trace' },
  { name: 'service_names', label: 'Services', kind: 'multi', facet: 'service_names', group: 'trace' },
  { name: 'tags', label: 'Tags', kind: 'multi', facet: 'tags', group: 'trace' },
  { name: 'tags_match', label: 'Tags match', kind: 'choice', choices: ['all', 'any'], group: 'trace' },
  { name: 'source', label: 'Source', kind: 'multi', facet: 'sources', group: 'trace' },
  {
    name: 'time_range',
    label: 'Time range',
    kind: 'choice',
    choices: ['15m', '1h', '6h', '24h', '7d', '30d'],
    group: 'time',
  },
  { name: 'from', label: 'From', kind: 'datetime', group: 'time' },
  { name: 'to', label: 'To', kind: 'datetime', group: 'time' },
  { name: 'min_duration_nanos', label: 'Min duration (ms)', kind: 'min', unit: 'ms', group: 'ranges' },
  { name: 'max_duration_nanos', label: 'Max duration (ms)', kind: 'max', unit: 'ms', group: 'ranges' },
  { name: 'min_ttft_nanos', label: 'Min TTFT (ms)', kind: 'min', unit: 'ms', group: 'ranges' },
  { name: 'max_ttft_nanos', label: 'Max TTFT (ms)', kind: 'max', unit: 'ms', group: 'ranges' },
  { name: 'min_cost_microcents', label: 'Min cost ($)', kind: 'min', unit: 'usd', group: 'ranges' },
  { name: 'max_cost_microcents', label: 'Max cost ($)', kind: 'max', unit: 'usd', group: 'ranges' },
  { name: 'min_input_tokens', label: 'Min input tokens', kind: 'min', unit: 'count', group: 'ranges' },
  { name: 'max_input_tokens', label: 'Max input tokens', kind: 'max', unit: 'count', group: 'ranges' },
  { name: 'min_output_tokens', label: 'Min output tokens', kind: 'min', unit: 'count', group: 'ranges' },
  { name: 'max_output_tokens', label: 'Max output tokens', kind: 'max', unit: 'count', group: 'ranges' },
  { name: 'min_span_count', label: 'Min spans', kind: 'min', unit: 'count', group: 'ranges' },
  { name: 'max_span_count', label: 'Max spans', kind: 'max', unit: 'count', group: 'ranges' },
  { name: 'min_error_count', label: 'Min errors', kind: 'min', unit: 'count', group: 'ranges' },
  { name: 'max_error_count', label: 'Max errors', kind: 'max', unit: 'count', group: 'ranges' },
  { name: 'evaluator', label: 'Evaluators', kind: 'texts', group: 'scores' },
  { name: 'passed', label: 'Verdict passed', kind: 'boolean', group: 'scores' },
  { name: 'min_score', label: 'Min score', kind: 'min', unit: 'score', group: 'scores' },
  { name: 'max_score', label: 'Max score', kind: 'max', unit: 'score', group: 'scores' },
  { name: 'label', label: 'Score labels', kind: 'texts', group: 'scores' },
  { name: 'score_pending', label: 'Score pending', kind: 'boolean', group: 'scores' },
];

/** `metadata.<key>=<value>` filters: one value per key. */
export const METADATA_PREFIX = 'metadata.';

/** Query parameters of the list that are not filters (paging and sort). */
export const NON_FILTER_PARAMS: readonly string[] = ['page', 'page_size', 'cursor', 'sort_by', 'sort_order'];

const FILTER_NAMES = new Set(FILTER_PARAMS.map((p) => p.name));

export function isFilterParam(name: string): boolean {
  return FILTER_NAMES.has(name) || (name.startsWith(METADATA_PREFIX) && name.length > METADATA_PREFIX.length);
}

/** The filter parameters of a URL query (others, such as sort and cursor, are left out). */
export function filterFromSearch(search: URLSearchParams): StoredFilter {
  const filter: StoredFilter = {};
  for (const [name, value] of search.entries()) {
    if (!isFilterParam(name) || value === '') continue;
    (filter[name] ??= []).push(value);
  }
  return filter;
}

/** A URL query holding the filter (arrays as repeated parameters). */
export function filterToSearch(filter: StoredFilter, into: URLSearchParams = new URLSearchParams()): URLSearchParams {
  for (const name of [...into.keys()]) {
    if (isFilterParam(name)) into.delete(name);
  }
  for (const [name, values] of Object.entries(filter)) {
    for (const value of values) {
      if (value !== '') into.append(name, value);
    }
  }
  return into;
}

/** The filter without empty parameters, as a rule's, queue's or set's `filter` body. */
export function compactFilter(filter: StoredFilter): StoredFilter {
  const out: StoredFilter = {};
  for (const [name, values] of Object.entries(filter)) {
    const kept = values.filter((v) => v !== '');
    if (kept.length > 0) out[name] = kept;
  }
  return out;
}

/** API value of a range entered in the parameter's unit (ms to ns, $ to microcents). */
export function toApiValue(param: FilterParam, entered: string): string {
  const trimmed = entered.trim();
  if (trimmed === '' || Number.isNaN(Number(trimmed))) return trimmed;
  const n = Number(trimmed);
  switch (param.unit) {
    case 'ms':
      return String(Math.round(n * 1_000_000));
    case 'usd':
      return String(Math.round(n * 100_000_000));
    default:
      return trimmed;
  }
}

/** The value to show in a range input, in the parameter's unit. */
export function fromApiValue(param: FilterParam, apiValue: string): string {
  if (apiValue === '' || Number.isNaN(Number(apiValue))) return apiValue;
  const n = Number(apiValue);
  switch (param.unit) {
    case 'ms':
      return String(n / 1_000_000);
    case 'usd':
      return String(n / 100_000_000);
    default:
      return apiValue;
  }
}

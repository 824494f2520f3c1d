import type { StoredFilter } from '../../api/types';
import { FILTER_PARAMS, fromApiValue } from '../../filters/filter';

const PARAMS = new Map(FILTER_PARAMS.map((p) => [p.name, p]));

/**
 * One line describing a stored filter for tables: `Status: ERROR · Tags: checkout, vip`, ranges
 * in the units people enter (ms, $). `All traces` for an empty or null filter.
 */
export function filterSummary(filter: StoredFilter | null | undefined): string {
  const parts: string[] = [];
  for (const [name, values] of Object.entries(filter ?? {})) {
    const kept = values.filter((v) => v !== '');
    if (kept.length === 0) continue;
    const param = PARAMS.get(name);
    const label = param?.label ?? name;
    const shown = param ? kept.map((v) => fromApiValue(param, v)) : kept;
    parts.push(`${label}: ${shown.join(', ')}`);
  }
  return parts.length === 0 ? 'All traces' : parts.join(' · ');
}

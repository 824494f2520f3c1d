import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { StoredFilter, TraceList } from '../../api/types';
import { useApi } from '../../api/useApi';
import { compactFilter, filterToSearch } from '../../filters/filter';

/** `value`, once it has not changed for `millis`. */
function useDebounced<T>(value: T, millis: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), millis);
    return () => clearTimeout(timer);
  }, [value, millis]);
  return settled;
}

/**
 * "Matches N traces now" for a filter being edited (`GET /api/v1/traces?...&page_size=1`,
 * `total_count`, counted up to 1,000), so a rule, queue or set filter can be checked as it is
 * built. A filter the API refuses shows its message. Live region (role status).
 */
export function FilterMatchCount({ filter }: { filter: StoredFilter }) {
  const key = JSON.stringify(compactFilter(filter));
  const settled = useDebounced(key, 400);
  const { data, error, loading } = useApi(
    (signal) => {
      const query = filterToSearch(JSON.parse(settled) as StoredFilter);
      query.set('page_size', '1');
      return api<TraceList>('/api/v1/traces', { query, signal });
    },
    [settled],
  );
  let text: string;
  if (error) text = `This filter is refused: ${error.message}${error.parameter ? ` (${error.parameter})` : ''}`;
  else if (!data) text = loading ? 'Counting matching traces…' : '';
  else if (data.total_count_capped)
    text = `Matches more than ${data.total_count.toLocaleString('en')} stored traces now.`;
  else
    text = `Matches ${data.total_count.toLocaleString('en')} stored ${data.total_count === 1 ? 'trace' : 'traces'} now.`;
  return (
    <p role="status" className={error ? 'field-error' : 'hint'}>
      {text}
    </p>
  );
}

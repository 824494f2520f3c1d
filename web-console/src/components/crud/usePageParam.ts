import { useSearchParams } from 'react-router';

/**
 * The 1-based `?page=` of a paged list (1 when absent or not a number) and a setter that
 * replaces the query string with `?page=<n>`.
 */
export function usePageParam(): [number, (page: number) => void] {
  const [search, setSearch] = useSearchParams();
  const page = Math.max(1, Number(search.get('page') ?? '1') || 1);
  return [page, (next: number) => setSearch(new URLSearchParams({ page: String(next) }))];
}

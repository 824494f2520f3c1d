import { api, ApiError } from '../../api/client';
import type { TraceFacets } from '../../api/types';
import { useApi } from '../../api/useApi';

export interface FacetsState {
  /** The project's values; `null` when the API has no facets (404) or they could not be loaded. */
  facets: TraceFacets | null | undefined;
  /** True until the first answer. */
  loading: boolean;
}

/**
 * Loads `GET /api/v1/traces/facets` once per mount for the filter panel's multi-selects. A 404
 * (an API without the endpoint) or any failure yields `null`: the panel then takes free text.
 */
export function useFacets(): FacetsState {
  const { data, loading } = useApi<TraceFacets | null>(async (signal) => {
    try {
      return await api<TraceFacets>('/api/v1/traces/facets', { signal });
    } catch (e) {
      if (e instanceof ApiError) return null;
      throw e;
    }
  }, []);
  return { facets: data, loading: loading && data === undefined };
}

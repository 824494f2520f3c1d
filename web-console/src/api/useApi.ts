import { useCallback, useEffect, useRef, useState } from 'react';
import { asApiError } from './client';
import type { ApiError } from './client';

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Loads again (keeps the current data while loading). */
  reload: () => void;
}

/**
 * Loads `load(signal)` when `deps` change, aborting the previous load; keeps the last data while a
 * new load runs, so pages never blank out behind a spinner. With `refreshMillis`, loads again at
 * that interval while `keepRefreshing(data)` is true (traces in progress).
 */
export function useApi<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  options: { refreshMillis?: number; keepRefreshing?: (data: T) => boolean } = {},
): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const optionsRef = useRef(options);
  optionsRef.current = options;

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setLoading(true);
    loadRef
      .current(controller.signal)
      .then((result) => {
        if (controller.signal.aborted) return;
        setData(result);
        setError(undefined);
        setLoading(false);
        const { refreshMillis, keepRefreshing } = optionsRef.current;
        if (refreshMillis && (!keepRefreshing || keepRefreshing(result))) {
          timer = setTimeout(() => setGeneration((g) => g + 1), refreshMillis);
        }
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setError(asApiError(e));
        setLoading(false);
      });
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}

import { useEffect, useMemo, useState } from 'react';
import { api, asApiError } from '../../api/client';
import type { ApiError } from '../../api/client';
import type { Span, SpanPage, TraceDetail } from '../../api/types';
import { useApi } from '../../api/useApi';

/** Spans loaded at most (the detail's first page plus background pages). */
export const MAX_SPANS = 20_000;
/** Reload interval while the trace is in progress, ms. */
export const LIVE_REFRESH_MILLIS = 3_000;

export interface TraceData {
  detail: TraceDetail | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
  /** Every span loaded so far, in start order, without duplicate ids. */
  spans: Span[];
  /** Background pages still loading. */
  loadingMore: boolean;
  /** More spans exist than {@link MAX_SPANS}. */
  capped: boolean;
  moreError: ApiError | undefined;
}

/**
 * Loads `GET /api/v1/traces/{id}?format=flat` (again every 3 s while `in_progress`), then the rest
 * of the spans page by page in the background from `spans_next_cursor`, up to {@link MAX_SPANS}.
 */
export function useTraceData(traceId: string): TraceData {
  const state = useApi<TraceDetail>(
    (signal) =>
      api<TraceDetail>(`/api/v1/traces/${encodeURIComponent(traceId)}`, { query: { format: 'flat' }, signal }),
    [traceId],
    { refreshMillis: LIVE_REFRESH_MILLIS, keepRefreshing: (d) => d.state === 'in_progress' },
  );
  const detail = state.data && state.data.id.toLowerCase() === traceId.toLowerCase() ? state.data : undefined;
  const cursor = detail?.spans_next_cursor ?? null;
  const firstCount = detail?.spans.length ?? 0;
  const [more, setMore] = useState<{ key: string; spans: Span[]; done: boolean; capped: boolean; error?: ApiError }>({
    key: '',
    spans: [],
    done: true,
    capped: false,
  });
  const key = cursor ? `${traceId}|${cursor}|${detail?.span_count}` : '';

  useEffect(() => {
    if (!cursor) return;
    const controller = new AbortController();
    let loaded: Span[] = [];
    setMore({ key, spans: [], done: false, capped: false });
    (async () => {
      let next: string | null = cursor;
      while (next && firstCount + loaded.length < MAX_SPANS) {
        const page: SpanPage = await api<SpanPage>(`/api/v1/traces/${encodeURIComponent(traceId)}/spans`, {
          query: { cursor: next, limit: Math.min(5_000, MAX_SPANS - firstCount - loaded.length) },
          signal: controller.signal,
        });
        if (controller.signal.aborted) return;
        loaded = loaded.concat(page.spans);
        next = page.next_cursor;
        setMore({ key, spans: loaded, done: !next, capped: false });
      }
      setMore({ key, spans: loaded, done: true, capped: next !== null });
    })().catch((e: unknown) => {
      if (controller.signal.aborted) return;
      const error = asApiError(e);
      setMore({ key, spans: loaded, done: true, capped: false, error });
    });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const extra = more.key === key ? more : undefined;
  const spans = useMemo(() => {
    const first = detail?.spans ?? [];
    if (!extra || extra.spans.length === 0) return first;
    const seen = new Set(first.map((s) => s.span_id));
    return first.concat(extra.spans.filter((s) => !seen.has(s.span_id)));
  }, [detail, extra]);

  return {
    detail,
    error: state.error,
    loading: state.loading,
    reload: state.reload,
    spans,
    loadingMore: cursor !== null && (!extra || !extra.done),
    capped: cursor !== null && (extra?.capped ?? false),
    moreError: extra?.error,
  };
}

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import type { TraceList } from '../../api/types';
import { useApi } from '../../api/useApi';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FilterPanel } from '../../components/filters/FilterPanel';
import type { StoredFilter } from '../../filters/filter';
import { EmptyState } from './EmptyState';
import {
  cursorScope,
  hasFilters,
  listRequestQuery,
  PAGE_SIZES,
  readListView,
  SORT_KEYS,
  writeListView,
} from './listQuery';
import type { ListView, SortKey } from './listQuery';
import { PageSummary } from './PageSummary';
import { TracesTable } from './TracesTable';
import './TracesPage.css';

/** How often a page holding traces in progress reloads. */
export const LIVE_REFRESH_MILLIS = 3_000;

/**
 * `/traces`: the project's traces, newest first, beside the filter panel. Filters, sort and page
 * size live in the URL query; pages after the first are fetched by cursor (a stack of the cursors
 * visited, dropped when filters or sort change). Pages holding traces in progress reload every
 * {@link LIVE_REFRESH_MILLIS}. Two selected rows can be compared.
 */
export function TracesPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const navigate = useNavigate();
  const view = useMemo(() => readListView(searchParams), [searchParams]);
  const scope = cursorScope(view);

  // Cursors of the pages after the first that were visited, for this scope only.
  const [paging, setPaging] = useState<{ scope: string; cursors: string[] }>({ scope, cursors: [] });
  const cursors = paging.scope === scope ? paging.cursors : [];
  const cursor = cursors.length > 0 ? cursors[cursors.length - 1] : null;
  const query = listRequestQuery(view, cursor);
  const queryText = query.toString();

  const answer = useApi<{ queryText: string; list: TraceList }>(
    async (signal) => ({
      queryText,
      list: await api<TraceList>('/api/v1/traces', { query: new URLSearchParams(queryText), signal }),
    }),
    [queryText],
    {
      refreshMillis: LIVE_REFRESH_MILLIS,
      keepRefreshing: ({ list }) => list.traces.some((t) => t.state === 'in_progress'),
    },
  );
  const { error, loading, reload } = answer;
  const data = answer.data?.list;
  // The answer on screen may be the previous query's while the new one loads.
  const current = answer.data?.queryText === queryText;

  const [selected, setSelected] = useState<string[]>([]);
  const [panelOpen, setPanelOpen] = useState(true);
  const searchRef = useRef<HTMLInputElement>(null);
  const [focusSearch, setFocusSearch] = useState(false);

  const setView = useCallback((next: ListView) => setSearchParams(writeListView(next)), [setSearchParams]);
  const setFilter = useCallback((filter: StoredFilter) => setView({ ...view, filter }), [setView, view]);
  const sortBy = (key: SortKey) =>
    setView({
      ...view,
      sortBy: key,
      sortOrder: key === view.sortBy ? (view.sortOrder === 'desc' ? 'asc' : 'desc') : 'desc',
    });
  const toggleSelect = useCallback(
    (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id])),
    [],
  );
  const open = useCallback((id: string) => navigate(`/traces/${encodeURIComponent(id)}`), [navigate]);

  // `/` focuses the search box (opening the panel first if it is hidden).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      e.preventDefault();
      setPanelOpen(true);
      setFocusSearch(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    if (focusSearch && searchRef.current) {
      searchRef.current.focus();
      setFocusSearch(false);
    }
  }, [focusSearch, panelOpen]);

  const traces = data?.traces ?? [];
  const filtered = hasFilters(view.filter);
  const pageNumber = cursors.length + 1;
  const live = traces.some((t) => t.state === 'in_progress');

  return (
    <div className={panelOpen ? 'traces-page' : 'traces-page panel-closed'}>
      <aside id="traces-filters" className="traces-filters" hidden={!panelOpen}>
        <FilterPanel value={view.filter} onChange={setFilter} label="Filters" searchRef={searchRef} />
      </aside>
      <div className="traces-main">
        <div className="traces-toolbar">
          <button
            type="button"
            aria-expanded={panelOpen}
            aria-controls="traces-filters"
            onClick={() => setPanelOpen((o) => !o)}
          >
            {panelOpen ? 'Hide filters' : 'Show filters'}
          </button>
          <h1>Traces</h1>
          <label>
            Sort by{' '}
            <select value={view.sortBy} onChange={(e) => setView({ ...view, sortBy: e.target.value as SortKey })}>
              {SORT_KEYS.map(([key, label]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Order{' '}
            <select
              value={view.sortOrder}
              onChange={(e) => setView({ ...view, sortOrder: e.target.value === 'asc' ? 'asc' : 'desc' })}
            >
              <option value="desc">Descending</option>
              <option value="asc">Ascending</option>
            </select>
          </label>
          <label>
            Page size{' '}
            <select value={view.pageSize} onChange={(e) => setView({ ...view, pageSize: Number(e.target.value) })}>
              {[...new Set([...PAGE_SIZES, view.pageSize])].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <div className="traces-compare">
            <span aria-live="polite">{selected.length > 0 ? `${selected.length} selected` : ''}</span>
            {selected.length > 0 ? (
              <button type="button" onClick={() => setSelected([])}>
                Clear selection
              </button>
            ) : null}
            <button
              type="button"
              className="primary"
              disabled={selected.length !== 2}
              title={selected.length === 2 ? 'Compare the two selected traces' : 'Select two traces to compare'}
              onClick={() =>
                navigate(`/compare?a=${encodeURIComponent(selected[0])}&b=${encodeURIComponent(selected[1])}`)
              }
            >
              Compare
            </button>
          </div>
        </div>
        <ErrorBanner error={error} />
        {data && traces.length > 0 ? <PageSummary list={data} live={live} loading={loading} /> : null}
        {data === undefined && loading ? <p className="muted">Loading traces…</p> : null}
        {data && current && traces.length === 0 ? (
          <EmptyState filtered={filtered || cursor !== null} onClearFilters={() => setFilter({})} />
        ) : null}
        {traces.length > 0 ? (
          <TracesTable
            traces={traces}
            sortBy={view.sortBy}
            sortOrder={view.sortOrder}
            onSort={sortBy}
            selected={selected}
            onToggleSelect={toggleSelect}
            onOpen={open}
            busy={loading}
          />
        ) : null}
        <nav className="traces-paging" aria-label="Pages">
          <button type="button" disabled={cursors.length === 0} onClick={() => setPaging({ scope, cursors: [] })}>
            First page
          </button>
          <button
            type="button"
            disabled={cursors.length === 0}
            onClick={() => setPaging({ scope, cursors: cursors.slice(0, -1) })}
          >
            Previous page
          </button>
          <span>Page {pageNumber}</span>
          <button
            type="button"
            disabled={!current || !data?.next_cursor}
            onClick={() =>
              current && data?.next_cursor && setPaging({ scope, cursors: [...cursors, data.next_cursor] })
            }
          >
            Next page
          </button>
          {error ? (
            <button type="button" onClick={reload}>
              Retry
            </button>
          ) : null}
        </nav>
      </div>
    </div>
  );
}

import { useCallback, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import type { TraceSetList } from '../../api/types';
import { useApi } from '../../api/useApi';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Pager } from '../../components/crud/Pager';
import { filterSummary } from '../../components/crud/filterSummary';
import { useListKeys } from '../../components/crud/useListKeys';
import { TimeMillis } from '../../components/crud/units';
import { SetForm } from './SetForm';
import '../../components/crud/crud.css';

/** Link to a trace set's page. */
export function setHref(setId: string): string {
  return `/sets/${encodeURIComponent(setId)}`;
}

/**
 * `/sets`: the project's trace sets, newest first (`GET /api/v1/trace-sets`), and a form to
 * create one ("New trace set"). j/k select a row, Enter opens it.
 */
export function SetsPage() {
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const page = Math.max(1, Number(search.get('page') ?? '1') || 1);
  const { data, error, loading } = useApi(
    (signal) => api<TraceSetList>('/api/v1/trace-sets', { query: { page, page_size: 100 }, signal }),
    [page],
  );
  const [creating, setCreating] = useState(false);
  const sets = data?.trace_sets ?? [];
  const open = useCallback((index: number) => navigate(setHref(sets[index].id)), [navigate, sets]);
  const [selected, setSelected] = useListKeys(sets.length, open);

  return (
    <div>
      <div className="crud-toolbar">
        <h1>Trace sets</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)} disabled={creating}>
          New trace set
        </button>
      </div>
      <ErrorBanner error={error} />
      {creating && <SetForm onCancel={() => setCreating(false)} onCreated={(set) => navigate(setHref(set.id))} />}
      {loading && !data && <p className="muted">Loading trace sets…</p>}
      {data && sets.length === 0 && (
        <div className="empty-state">
          <p>No trace sets yet.</p>
          <p>
            A trace set is a named, frozen list of traces: the unit an evaluation runs over. Create one from a filter
            (e.g. the 500 newest failed traces of the last 7 days) or from trace ids you paste.
          </p>
        </div>
      )}
      {sets.length > 0 && (
        <table className="crud-table" aria-label="Trace sets">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="num">Traces</th>
              <th scope="col">Made from</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {sets.map((set, index) => (
              <tr
                key={set.id}
                aria-selected={index === selected}
                className={index === selected ? 'selected' : undefined}
                onClick={() => setSelected(index)}
              >
                <td>
                  <Link to={setHref(set.id)}>{set.name}</Link>
                  {set.description && <div className="muted">{set.description}</div>}
                </td>
                <td className="num">{set.trace_count}</td>
                <td>{set.filter ? filterSummary(set.filter) : 'picked trace ids'}</td>
                <td>
                  <TimeMillis millis={set.created_epoch_millis} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && (
        <Pager page={page} hasMore={data.has_more} onPage={(p) => setSearch(new URLSearchParams({ page: String(p) }))} />
      )}
    </div>
  );
}

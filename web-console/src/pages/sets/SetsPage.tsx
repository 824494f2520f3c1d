import { useCallback, useState } from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import type { TraceSet, TraceSetList } from '../../api/types';
import { useApi } from '../../api/useApi';
import { DataTable } from '../../components/crud/DataTable';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Pager } from '../../components/crud/Pager';
import { filterSummary } from '../../components/crud/filterSummary';
import { useListKeys } from '../../components/crud/useListKeys';
import { usePageParam } from '../../components/crud/usePageParam';
import { TimeMillis } from '../../components/crud/units';
import { SetForm } from './SetForm';
import '../../components/crud/crud.css';

/** Link to a trace set's page. */
export function setHref(setId: string): string {
  return `/sets/${encodeURIComponent(setId)}`;
}

const COLUMNS: ColumnDef<TraceSet>[] = [
  {
    id: 'name',
    header: 'Name',
    cell: ({ row: { original: set } }) => (
      <>
        <Link to={setHref(set.id)}>{set.name}</Link>
        {set.description && <div className="muted">{set.description}</div>}
      </>
    ),
  },
  { id: 'trace_count', header: 'Traces', cell: ({ row }) => row.original.trace_count },
  {
    id: 'filter',
    header: 'Made from',
    cell: ({ row }) => (row.original.filter ? filterSummary(row.original.filter) : 'picked trace ids'),
  },
  { id: 'created', header: 'Created', cell: ({ row }) => <TimeMillis millis={row.original.created_epoch_millis} /> },
];

/**
 * `/sets`: the project's trace sets, newest first (`GET /api/v1/trace-sets`), and a form to
 * create one ("New trace set"). j/k select a row, Enter opens it.
 */
export function SetsPage() {
  const navigate = useNavigate();
  const [page, setPage] = usePageParam();
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
        <DataTable
          label="Trace sets"
          rows={sets}
          columns={COLUMNS}
          rowKey={(set) => set.id}
          numericColumns={['trace_count']}
          selected={selected}
          onSelect={setSelected}
        />
      )}
      {data && <Pager page={page} hasMore={data.has_more} onPage={setPage} />}
    </div>
  );
}

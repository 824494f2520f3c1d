import { useCallback, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { createColumnHelper } from '@tanstack/react-table';
import { api } from '../../api/client';
import type { Session, SessionList } from '../../api/types';
import { useApi } from '../../api/useApi';
import { LoadStatus } from '../../components/crud/LoadStatus';
import { DataTable } from '../../components/crud/DataTable';
import { Pager } from '../../components/crud/Pager';
import { usePageParam } from '../../components/crud/usePageParam';
import { useListKeys } from '../../components/crud/useListKeys';
import { Cost, Count, Duration, TimeNanos } from '../../components/crud/units';
import '../../components/crud/crud.css';

const PAGE_SIZE = 50;

/** Link to a session's page (the id is data: encoded). */
export function sessionHref(sessionId: string): string {
  return `/sessions/${encodeURIComponent(sessionId)}`;
}

const column = createColumnHelper<Session>();
const COLUMNS = [
  column.accessor('session_id', {
    header: 'Session',
    cell: (c) => (
      <Link className="mono" to={sessionHref(c.getValue())}>
        {c.getValue()}
      </Link>
    ),
  }),
  column.accessor('trace_count', { header: 'Traces', cell: (c) => <Count value={c.getValue()} /> }),
  column.accessor('first_start_epoch_nanos', {
    header: 'First start',
    cell: (c) => <TimeNanos nanos={c.getValue()} />,
  }),
  column.accessor('last_start_epoch_nanos', { header: 'Last start', cell: (c) => <TimeNanos nanos={c.getValue()} /> }),
  column.accessor('duration_nanos', { header: 'Duration', cell: (c) => <Duration nanos={c.getValue()} /> }),
  column.accessor('total_tokens', { header: 'Tokens', cell: (c) => <Count value={c.getValue()} /> }),
  column.accessor('cost_microcents', { header: 'Cost', cell: (c) => <Cost microcents={c.getValue()} /> }),
  column.accessor('error_count', {
    header: 'Errors',
    cell: (c) =>
      c.getValue() > 0 ? (
        <span className="status-error" title={`${c.row.original.error_trace_count} traces with status ERROR`}>
          <span aria-hidden="true">✕</span> {c.getValue()}
        </span>
      ) : (
        <span className="muted">0</span>
      ),
  }),
  column.accessor('user_ids', { header: 'Users', cell: (c) => c.getValue().join(', ') || '–' }),
];

const NUMERIC = ['trace_count', 'duration_nanos', 'total_tokens', 'cost_microcents', 'error_count'];

/**
 * `/sessions`: the project's sessions, most recently active first (`GET /api/v1/sessions`),
 * paged by `?page=`; `?session_id=` finds one session by its exact id. j/k select, Enter opens,
 * `/` focuses the search.
 */
export function SessionsPage() {
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const [page] = usePageParam();
  const sessionId = search.get('session_id') ?? '';
  const [draft, setDraft] = useState(sessionId);
  const { data, error, loading } = useApi(
    (signal) =>
      api<SessionList>('/api/v1/sessions', {
        query: { page, page_size: PAGE_SIZE, session_id: sessionId || undefined },
        signal,
      }),
    [page, sessionId],
  );
  const sessions = data?.sessions ?? [];
  const open = useCallback((index: number) => navigate(sessionHref(sessions[index].session_id)), [navigate, sessions]);
  const [selected, setSelected] = useListKeys(sessions.length, open, 'session-search');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (draft.trim()) next.set('session_id', draft.trim());
    setSearch(next);
  };

  return (
    <div>
      <div className="crud-toolbar">
        <h1>Sessions</h1>
        <form role="search" onSubmit={submit} className="crud-toolbar">
          <label htmlFor="session-search">Session id</label>
          <input
            id="session-search"
            type="search"
            value={draft}
            placeholder="exact session id ( / )"
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit">Find session</button>
          {sessionId && (
            <button
              type="button"
              onClick={() => {
                setDraft('');
                setSearch(new URLSearchParams());
              }}
            >
              Show all sessions
            </button>
          )}
        </form>
      </div>
      <LoadStatus error={error} loading={loading && !data} text="Loading sessions…" />
      {data && sessions.length === 0 && (
        <div className="empty-state">
          {sessionId ? (
            <p>No session with id “{sessionId}”.</p>
          ) : (
            <>
              <p>No sessions yet.</p>
              <p>
                A session groups the traces that share a session id: set the span attribute <code>session.id</code> (or{' '}
                <code>gen_ai.conversation.id</code>) in OTLP, or <code>session_id</code> in a native trace.
              </p>
            </>
          )}
        </div>
      )}
      {sessions.length > 0 && (
        <DataTable
          label="Sessions"
          rows={sessions}
          columns={COLUMNS}
          rowKey={(s) => s.session_id}
          numericColumns={NUMERIC}
          selected={selected}
          onSelect={setSelected}
        />
      )}
      {data && (
        <Pager
          page={page}
          hasMore={data.has_more}
          onPage={(p) => {
            const next = new URLSearchParams(search);
            next.set('page', String(p));
            setSearch(next);
          }}
        />
      )}
    </div>
  );
}

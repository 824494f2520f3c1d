import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import type { SessionDetail, TraceSummary } from '../../api/types';
import { useApi } from '../../api/useApi';
import { LoadStatus } from '../../components/crud/LoadStatus';
import { Pager } from '../../components/crud/Pager';
import { usePageParam } from '../../components/crud/usePageParam';
import { shownValue, TextValue } from '../../components/crud/TextValue';
import { Cost, Count, Duration, Status, TimeNanos } from '../../components/crud/units';
import '../../components/crud/crud.css';
import './sessions.css';
import { Fact } from '../../components/crud/Fact';

const PAGE_SIZE = 50;

/** Link to a trace's page (the id is data: encoded). */
export function traceHref(traceId: string): string {
  return `/traces/${encodeURIComponent(traceId)}`;
}

/** One trace of the session as a turn: the user side (input) and the assistant side (output). */
function Turn({ trace, number }: { trace: TraceSummary; number: number }) {
  return (
    <li className="turn" aria-label={`Turn ${number}: ${trace.name ?? trace.id}`}>
      <div className="turn-head">
        <span className="turn-number">#{number}</span>
        <TimeNanos nanos={trace.start_epoch_nanos} />
        <strong>{trace.name ?? '(unnamed)'}</strong>
        <Status status={trace.status} />
        <Duration nanos={trace.duration_nanos} />
        <Cost microcents={trace.cost_microcents} />
        <span>
          <Count value={trace.total_tokens} /> tokens
        </span>
        {trace.state === 'in_progress' && <span className="badge">in progress</span>}
        <Link to={traceHref(trace.id)} aria-label={`Open trace ${trace.id}`}>
          Open trace
        </Link>
      </div>
      <div className="bubble bubble-user" role="group" aria-label={`Input of turn ${number}`}>
        {shownValue(trace.input).kind !== 'messages' && <span className="bubble-side">User</span>}
        <TextValue value={trace.input} empty="no input" />
      </div>
      <div
        className={`bubble bubble-assistant${trace.status === 'ERROR' ? ' bubble-error' : ''}`}
        role="group"
        aria-label={`Output of turn ${number}`}
      >
        {shownValue(trace.output).kind !== 'messages' && <span className="bubble-side">Assistant</span>}
        <TextValue value={trace.output} empty="no output" />
      </div>
    </li>
  );
}

/**
 * `/sessions/:sessionId`: the session's totals and its traces oldest first as a conversation
 * (`GET /api/v1/sessions/{id}`), paged by `?page=`.
 */
export function SessionPage() {
  const { sessionId = '' } = useParams();
  const [page, setPage] = usePageParam();
  const { data, error, loading } = useApi(
    (signal) =>
      api<SessionDetail>(`/api/v1/sessions/${encodeURIComponent(sessionId)}`, {
        query: { page, page_size: PAGE_SIZE },
        signal,
      }),
    [sessionId, page],
  );
  const session = data?.session;
  return (
    <div className="session-page">
      <p>
        <Link to="/sessions">← Sessions</Link>
      </p>
      <h1>
        Session <span className="mono">{sessionId}</span>
      </h1>
      <LoadStatus error={error} loading={loading && !data} text="Loading session…" />
      {session && (
        <dl className="session-totals" role="group" aria-label="Session totals">
          <Fact label="Traces">{session.trace_count}</Fact>
          <Fact label="First start">
            <TimeNanos nanos={session.first_start_epoch_nanos} />
          </Fact>
          <Fact label="Duration">
            <Duration nanos={session.duration_nanos} />
          </Fact>
          <Fact label="Tokens">
            <Count value={session.total_tokens} />
          </Fact>
          <Fact label="Cost">
            <Cost microcents={session.cost_microcents} />
          </Fact>
          <Fact label="Errors" valueClassName={session.error_count > 0 ? 'status-error' : undefined}>
            {session.error_count} spans, {session.error_trace_count} traces
          </Fact>
          <Fact label="Users">{session.user_ids.join(', ') || '–'}</Fact>
        </dl>
      )}
      {data && (
        <ol className="conversation" aria-label="Conversation">
          {data.traces.map((trace, i) => (
            <Turn key={trace.id} trace={trace} number={(page - 1) * data.page_size + i + 1} />
          ))}
        </ol>
      )}
      {data && <Pager page={page} hasMore={data.has_more} label="Turns pages" onPage={setPage} />}
    </div>
  );
}

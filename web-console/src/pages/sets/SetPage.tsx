import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import type { TraceSetDetail } from '../../api/types';
import { useApi } from '../../api/useApi';
import { LoadStatus } from '../../components/crud/LoadStatus';
import { Pager } from '../../components/crud/Pager';
import { usePageParam } from '../../components/crud/usePageParam';
import { filterSummary } from '../../components/crud/filterSummary';
import { Cost, Count, Duration, Status, TimeMillis, TimeNanos } from '../../components/crud/units';
import '../../components/crud/crud.css';
import { StaticTable } from '../../components/crud/StaticTable';

const PAGE_SIZE = 100;

/**
 * `/sets/:setId`: one trace set (`GET /api/v1/trace-sets/{id}`) with a page of its members in
 * the set's order (links to the traces; deleted members marked missing) and its missing ids.
 */
export function SetPage() {
  const { setId = '' } = useParams();
  const [page, setPage] = usePageParam();
  const { data, error, loading } = useApi(
    (signal) =>
      api<TraceSetDetail>(`/api/v1/trace-sets/${encodeURIComponent(setId)}`, {
        query: { page, page_size: PAGE_SIZE },
        signal,
      }),
    [setId, page],
  );
  const byId = new Map((data?.traces ?? []).map((t) => [t.id, t]));
  return (
    <div>
      <p>
        <Link to="/sets">← Trace sets</Link>
      </p>
      <h1>{data ? data.name : 'Trace set'}</h1>
      <LoadStatus error={error} loading={loading && !data} text="Loading the set…" />
      {data && (
        <>
          {data.description && <p>{data.description}</p>}
          <p className="muted">
            {data.trace_count} traces · made from {data.filter ? filterSummary(data.filter) : 'picked trace ids'} ·
            created <TimeMillis millis={data.created_epoch_millis} />
          </p>
          <StaticTable
            label="Set members"
            columns={['Trace', 'Name', 'Status', 'Start', 'Duration', 'Tokens', 'Cost']}
            numericColumns={['Duration', 'Tokens', 'Cost']}
          >
            {data.trace_ids.map((id) => {
              const trace = byId.get(id);
              return (
                <tr key={id}>
                  <td className="mono">{trace ? <Link to={`/traces/${encodeURIComponent(id)}`}>{id}</Link> : id}</td>
                  {trace ? (
                    <>
                      <td>{trace.name ?? '–'}</td>
                      <td>
                        <Status status={trace.status} />
                      </td>
                      <td>
                        <TimeNanos nanos={trace.start_epoch_nanos} />
                      </td>
                      <td className="num">
                        <Duration nanos={trace.duration_nanos} />
                      </td>
                      <td className="num">
                        <Count value={trace.total_tokens} />
                      </td>
                      <td className="num">
                        <Cost microcents={trace.cost_microcents} />
                      </td>
                    </>
                  ) : (
                    <td colSpan={6} className="muted">
                      missing: deleted since the set was made
                    </td>
                  )}
                </tr>
              );
            })}
          </StaticTable>
          {data.missing_trace_ids.length > 0 && (
            <section aria-label="Missing traces">
              <h2>Missing traces ({data.missing_trace_ids.length})</h2>
              <p className="hint">Members deleted since the set was made (through the API or by retention).</p>
              <ul className="mono">
                {data.missing_trace_ids.map((id) => (
                  <li key={id}>{id}</li>
                ))}
              </ul>
            </section>
          )}
          <Pager page={page} hasMore={data.has_more} label="Member pages" onPage={setPage} />
        </>
      )}
    </div>
  );
}

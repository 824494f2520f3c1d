import type { TraceDetail } from '../../api/types';
import { Fact } from '../../components/crud/Fact';

/**
 * What the API tells of the trace's revisions (there is no revision history endpoint): the
 * latest revision and its completion reason, whether the figures are that revision's rollup, the
 * spans beyond it, and the revisions named by fired triggers and scores.
 */
export function RevisionsTab({ trace }: { trace: TraceDetail }) {
  const named = new Map<number, { triggers: number; scores: number }>();
  for (const t of trace.fired_triggers) {
    const e = named.get(t.revision) ?? { triggers: 0, scores: 0 };
    e.triggers++;
    named.set(t.revision, e);
  }
  for (const s of trace.scores) {
    if (s.revision === null) continue;
    const e = named.get(s.revision) ?? { triggers: 0, scores: 0 };
    e.scores++;
    named.set(s.revision, e);
  }
  const revisions = [...named.entries()].sort(([a], [b]) => b - a);
  let meaning: string;
  if (trace.revision === 0) meaning = 'Not completed yet: no revision has been stored.';
  else if (trace.state === 'complete')
    meaning = `Complete: the figures are revision ${trace.revision}'s rollup, covering every stored span.`;
  else if ((trace.spans_beyond_revision ?? 0) > 0)
    meaning = `Completed as revision ${trace.revision}, then ${trace.spans_beyond_revision} more span(s) arrived: the figures cover every stored span, and a later revision will include them.`;
  else meaning = `In progress after revision ${trace.revision}.`;
  return (
    <div className="trace-tab">
      <p>{meaning}</p>
      <dl className="rollup">
        <Fact label="Revision" className="rollup-item">
          {trace.revision}
        </Fact>
        <Fact label="Completion reason" className="rollup-item">
          {trace.completion_reason ?? '–'}
        </Fact>
        <Fact label="Rollup revision" className="rollup-item">
          {trace.rollup_revision ?? 'none (figures cover every stored span)'}
        </Fact>
        <Fact label="Spans beyond revision" className="rollup-item">
          {trace.spans_beyond_revision ?? '–'}
        </Fact>
      </dl>
      <h2>Revisions named by triggers and scores</h2>
      {revisions.length === 0 ? (
        <p className="muted">No trigger or score names a revision of this trace.</p>
      ) : (
        <table className="grid" aria-label="Revisions named by triggers and scores">
          <thead>
            <tr>
              <th scope="col">Revision</th>
              <th scope="col">Fired triggers</th>
              <th scope="col">Scores</th>
            </tr>
          </thead>
          <tbody>
            {revisions.map(([r, e]) => (
              <tr key={r}>
                <td>
                  {r}
                  {r === trace.revision && <span className="muted"> (latest)</span>}
                </td>
                <td>{e.triggers}</td>
                <td>{e.scores}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

import { Link } from 'react-router';
import type { TraceDetail } from '../../api/types';
import { formatMillis, utcMillis } from '../../format';
import { StaticTable } from '../../components/crud/StaticTable';

/** The evaluation triggers fired for the trace, each with whether its score is still pending. */
export function TriggersTab({ trace }: { trace: TraceDetail }) {
  if (trace.fired_triggers.length === 0) {
    return (
      <p className="muted trace-tab">
        No evaluation triggers fired for this trace. An enabled evaluation rule whose filter matches it fires one when a
        revision completes (see <Link to="/rules">Evaluation rules</Link>).
      </p>
    );
  }
  return (
    <div className="trace-tab">
      <StaticTable
        label="Fired triggers"
        columns={['Trigger', 'Rule', 'Revision', 'Turn', 'Fired', 'Score']}
        className="grid"
      >
        {trace.fired_triggers.map((t) => {
          const scores = trace.scores.filter((s) => s.trigger_id === t.trigger_id);
          return (
            <tr key={t.trigger_id}>
              <td>
                <code>{t.trigger_id}</code>
              </td>
              <td>
                <code>{t.rule_id}</code>
              </td>
              <td>{t.revision}</td>
              <td>{t.turn ?? '–'}</td>
              <td title={utcMillis(t.fired_epoch_millis)}>{formatMillis(t.fired_epoch_millis)}</td>
              <td>
                {t.score_pending ? (
                  <span className="pending">⏳ Score pending</span>
                ) : (
                  <span className="status-ok">
                    ✓ Scored{scores.length ? ` (${scores.map((s) => s.evaluator).join(', ')})` : ''}
                  </span>
                )}
              </td>
            </tr>
          );
        })}
      </StaticTable>
    </div>
  );
}

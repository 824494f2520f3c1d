import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import type { Annotation, TraceDetail } from '../../api/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { formatMillis, utcMillis } from '../../format';
import { StaticTable } from '../../components/crud/StaticTable';

const AUTHOR_KEY = 'tracefold.annotationAuthor';

/** Annotations and scores of the trace, and a form to add an annotation. */
export function AnnotationsTab({ trace, onChanged }: { trace: TraceDetail; onChanged: () => void }) {
  return (
    <div className="trace-tab">
      <section aria-labelledby="annotations-h">
        <h2 id="annotations-h">Annotations ({trace.annotations.length})</h2>
        {trace.annotations.length === 0 ? (
          <p className="muted">
            No annotations yet. Write the first one below: what went right or wrong, with an optional score and label.
          </p>
        ) : (
          <ol className="annotations">
            {trace.annotations.map((a) => (
              <li key={a.id}>
                <div>
                  <strong>{a.author}</strong>{' '}
                  <span className="muted" title={utcMillis(a.created_epoch_millis)}>
                    {formatMillis(a.created_epoch_millis)}
                  </span>
                  {a.score !== null && <span className="badge">score {a.score}</span>}
                  {a.label && <span className="badge">{a.label}</span>}
                </div>
                <div className="annotation-text">{a.text}</div>
              </li>
            ))}
          </ol>
        )}
        <AnnotationForm traceId={trace.id} onAdded={onChanged} />
      </section>
      <section aria-labelledby="scores-h">
        <h2 id="scores-h">Scores ({trace.scores.length})</h2>
        {trace.scores.length === 0 ? (
          <p className="muted">
            No scores. Evaluators post them to POST /api/v1/traces/{'{id}'}/scores, usually answering a fired trigger.
          </p>
        ) : (
          <StaticTable
            label="Scores"
            columns={['Evaluator', 'Verdict', 'Value', 'Label', 'Revision', 'Reason', 'Source', 'Created']}
            className="grid"
          >
            {trace.scores.map((s) => (
              <tr key={s.id}>
                <td>
                  {s.evaluator}
                  {s.evaluator_version && <span className="muted"> v{s.evaluator_version}</span>}
                </td>
                <td>
                  {s.passed === true ? (
                    <span className="status-ok">✓ passed</span>
                  ) : s.passed === false ? (
                    <span className="status-error">✕ failed</span>
                  ) : (
                    '–'
                  )}
                </td>
                <td>{s.value ?? '–'}</td>
                <td>{s.label ?? '–'}</td>
                <td>{s.revision ?? '–'}</td>
                <td className="wrap">{s.reason ?? ''}</td>
                <td>
                  {s.source}
                  {s.created_by && <span className="muted"> · {s.created_by}</span>}
                </td>
                <td title={utcMillis(s.created_epoch_millis)}>{formatMillis(s.created_epoch_millis)}</td>
              </tr>
            ))}
          </StaticTable>
        )}
      </section>
    </div>
  );
}

function AnnotationForm({ traceId, onAdded }: { traceId: string; onAdded: () => void }) {
  const [text, setText] = useState('');
  const [author, setAuthor] = useState(() => localStorage.getItem(AUTHOR_KEY) ?? '');
  const [score, setScore] = useState('');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body: Record<string, unknown> = { text, author: author.trim() };
      if (score.trim() !== '') body.score = Number(score);
      if (label.trim() !== '') body.label = label.trim();
      await api<Annotation>(`/api/v1/traces/${encodeURIComponent(traceId)}/annotations`, { method: 'POST', body });
      localStorage.setItem(AUTHOR_KEY, author.trim());
      setText('');
      setScore('');
      setLabel('');
      onAdded();
    } catch (err) {
      setError(err instanceof Error ? err : new ApiError(0, String(err), null, null));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="annotation-form" onSubmit={submit} aria-label="Add annotation">
      <label>
        Annotation
        <textarea value={text} onChange={(e) => setText(e.target.value)} required maxLength={10_000} rows={3} />
      </label>
      <div className="form-row">
        <label>
          Author
          <input value={author} onChange={(e) => setAuthor(e.target.value)} required maxLength={200} />
        </label>
        <label>
          Score (optional)
          <input type="number" step="any" value={score} onChange={(e) => setScore(e.target.value)} />
        </label>
        <label>
          Label (optional)
          <input value={label} onChange={(e) => setLabel(e.target.value)} maxLength={200} />
        </label>
        <button type="submit" className="primary" disabled={busy || !text.trim() || !author.trim()}>
          Add annotation
        </button>
      </div>
      <ErrorBanner error={error} />
    </form>
  );
}

import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, asApiError } from '../../api/client';
import type { ApiError } from '../../api/client';
import type { Annotation, AnnotationQueue, QueueItem, QueueItemList } from '../../api/types';
import { useApi } from '../../api/useApi';
import { FormField } from '../../components/crud/FormField';
import { LoadStatus } from '../../components/crud/LoadStatus';
import { TextValue } from '../../components/crud/TextValue';
import { Cost, Count, Duration, Status, TimeMillis, TimeNanos } from '../../components/crud/units';
import { storedReviewer, storeReviewer } from './queueModel';
import '../../components/crud/crud.css';
import './queues.css';
import { Fact } from '../../components/crud/Fact';

/** The item's trace: rollup, input and output, a link to the full trace. */
function ItemTrace({ item }: { item: QueueItem }) {
  const trace = item.trace;
  return (
    <section className="review-trace" aria-label="Trace under review">
      <h2>{trace.name ?? '(unnamed trace)'}</h2>
      <p>
        <span className="mono muted">{trace.id}</span>{' '}
        <Link to={`/traces/${encodeURIComponent(trace.id)}`} target="_blank" rel="noreferrer">
          Open full trace
        </Link>{' '}
        <span className="muted">(new tab)</span>
      </p>
      <dl className="review-rollup">
        <Fact label="Status">
          <Status status={trace.status} />
        </Fact>
        <Fact label="Started">
          <TimeNanos nanos={trace.start_epoch_nanos} />
        </Fact>
        <Fact label="Duration">
          <Duration nanos={trace.duration_nanos} />
        </Fact>
        <Fact label="Tokens">
          <Count value={trace.total_tokens} />
        </Fact>
        <Fact label="Cost">
          <Cost microcents={trace.cost_microcents} />
        </Fact>
        <Fact label="Models">{trace.models.join(', ') || '–'}</Fact>
        <Fact label="Spans / errors">
          {trace.span_count} /{' '}
          <span className={trace.error_count > 0 ? 'status-error' : undefined}>{trace.error_count}</span>
        </Fact>
        <Fact label="In queue since">
          <TimeMillis millis={item.added_epoch_millis} /> (revision {item.revision})
        </Fact>
      </dl>
      <div className="review-io">
        <section aria-label="Input">
          <h3>Input</h3>
          <TextValue value={trace.input} empty="no input" />
        </section>
        <section aria-label="Output">
          <h3>Output</h3>
          <TextValue value={trace.output} empty="no output" />
        </section>
      </div>
    </section>
  );
}

/**
 * `/queues/:queueId/review`: one pending item at a time (`GET .../items?status=pending&
 * page_size=1`), its trace, a form to annotate it (`POST /api/v1/traces/{id}/annotations`) and
 * "Mark done" (`PUT .../items/{trace_id}` `{status: "done", done_by}`), which loads the next
 * pending item; "Skip" moves on without marking. The reviewer name is kept in localStorage.
 * Accessible names: `Reviewer`, `Annotation`, `Score (optional)`, `Label (optional)`,
 * buttons `Add annotation`, `Mark done`, `Skip`.
 */
export function QueueReviewPage() {
  const { queueId = '' } = useParams();
  const base = `/api/v1/annotation-queues/${encodeURIComponent(queueId)}`;
  const [skipped, setSkipped] = useState(0);
  const queue = useApi((signal) => api<AnnotationQueue>(base, { signal }), [base]);
  const items = useApi(
    (signal) =>
      api<QueueItemList>(`${base}/items`, { query: { status: 'pending', page_size: 1, page: skipped + 1 }, signal }),
    [base, skipped],
  );
  const item = items.data?.items[0];
  const [reviewer, setReviewer] = useState(storedReviewer);
  const [text, setText] = useState('');
  const [score, setScore] = useState('');
  const [label, setLabel] = useState('');
  const [saved, setSaved] = useState<Annotation[]>([]);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');

  const resetForItem = () => {
    setText('');
    setScore('');
    setLabel('');
    setSaved([]);
    setActionError(null);
  };

  const annotate = async (event: FormEvent) => {
    event.preventDefault();
    if (!item) return;
    setBusy(true);
    setActionError(null);
    storeReviewer(reviewer);
    const body: Record<string, unknown> = { text, author: reviewer.trim() };
    if (score.trim() !== '') body.score = Number(score);
    if (label.trim() !== '') body.label = label.trim();
    try {
      const annotation = await api<Annotation>(`/api/v1/traces/${encodeURIComponent(item.trace_id)}/annotations`, {
        method: 'POST',
        body,
      });
      setSaved((s) => [...s, annotation]);
      setText('');
      setScore('');
      setLabel('');
      setNotice('Annotation added.');
    } catch (e) {
      setActionError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const markDone = async () => {
    if (!item) return;
    setBusy(true);
    setActionError(null);
    storeReviewer(reviewer);
    const body: Record<string, unknown> = { status: 'done' };
    if (reviewer.trim() !== '') body.done_by = reviewer.trim();
    try {
      await api<QueueItem>(`${base}/items/${encodeURIComponent(item.trace_id)}`, { method: 'PUT', body });
      resetForItem();
      setNotice('Marked done; next item.');
      items.reload();
      queue.reload();
    } catch (e) {
      setActionError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const skip = () => {
    resetForItem();
    setNotice('Skipped.');
    setSkipped((s) => s + 1);
  };

  const q = queue.data;
  const empty = items.data !== undefined && !item;
  return (
    <div className="review-page">
      <p>
        <Link to="/queues">← Annotation queues</Link>
      </p>
      <h1>Review: {q ? q.name : <span className="muted">queue</span>}</h1>
      {q && (
        <p className="muted">
          {q.pending_count} pending · {q.done_count} done{skipped > 0 ? ` · ${skipped} skipped` : ''}
        </p>
      )}
      <p role="status" className="muted">
        {notice}
      </p>
      <LoadStatus
        error={queue.error ?? items.error ?? actionError}
        loading={items.loading && !items.data}
        text="Loading the next item…"
      />
      {empty && (
        <div className="empty-state">
          {skipped > 0 ? (
            <>
              <p>No more pending items after the {skipped} you skipped.</p>
              <button type="button" onClick={() => setSkipped(0)}>
                Start over with the skipped items
              </button>
            </>
          ) : (
            <>
              <p>
                <strong>Queue is empty.</strong> Every item is done.
              </p>
              <p>
                Traces join when they complete and match the queue's filter (and sampling); a queue with score filters
                also collects traces as their scores arrive.
              </p>
            </>
          )}
        </div>
      )}
      {item && (
        <div className="review-layout">
          <ItemTrace item={item} />
          <section className="review-side" aria-label="Review">
            <form className="crud-form" onSubmit={annotate} aria-label="Annotate trace">
              <FormField htmlFor="review-reviewer" label="Reviewer" hint="remembered in this browser">
                <input
                  id="review-reviewer"
                  value={reviewer}
                  required
                  maxLength={200}
                  onChange={(e) => setReviewer(e.target.value)}
                />
              </FormField>
              <FormField
                htmlFor="review-text"
                label="Annotation"
                error={actionError?.parameter === 'text' ? actionError.message : null}
              >
                <textarea
                  id="review-text"
                  value={text}
                  required
                  maxLength={10000}
                  rows={5}
                  onChange={(e) => setText(e.target.value)}
                />
              </FormField>
              <FormField
                htmlFor="review-score"
                label="Score (optional)"
                error={actionError?.parameter === 'score' ? actionError.message : null}
              >
                <input
                  id="review-score"
                  type="number"
                  step="any"
                  value={score}
                  onChange={(e) => setScore(e.target.value)}
                />
              </FormField>
              <FormField
                htmlFor="review-label"
                label="Label (optional)"
                error={actionError?.parameter === 'label' ? actionError.message : null}
              >
                <input id="review-label" value={label} maxLength={200} onChange={(e) => setLabel(e.target.value)} />
              </FormField>
              <div className="actions">
                <button type="submit" disabled={busy}>
                  Add annotation
                </button>
              </div>
            </form>
            {saved.length > 0 && (
              <ul className="review-saved" aria-label="Annotations added">
                {saved.map((a) => (
                  <li key={a.id}>
                    <strong>{a.author}</strong>: {a.text}
                    {a.label && <span className="badge">{a.label}</span>}
                    {a.score !== null && <span className="muted"> score {a.score}</span>}
                  </li>
                ))}
              </ul>
            )}
            <div className="actions review-actions">
              <button type="button" className="primary" onClick={() => void markDone()} disabled={busy}>
                Mark done
              </button>
              <button type="button" onClick={skip} disabled={busy}>
                Skip
              </button>
            </div>
          </section>
        </div>
      )}
    </div>
  );
}

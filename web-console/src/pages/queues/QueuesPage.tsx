import { useCallback, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ApiError } from '../../api/client';
import type { AnnotationQueue, AnnotationQueueList } from '../../api/types';
import { useApi } from '../../api/useApi';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ConfirmDelete } from '../../components/crud/ConfirmDelete';
import { Pager } from '../../components/crud/Pager';
import { filterSummary } from '../../components/crud/filterSummary';
import { useListKeys } from '../../components/crud/useListKeys';
import { QueueForm } from './QueueForm';
import { EMPTY_QUEUE, queueDraft } from './queueModel';
import '../../components/crud/crud.css';

/** Link to a queue's review flow. */
export function reviewHref(queueId: string): string {
  return `/queues/${encodeURIComponent(queueId)}/review`;
}

/**
 * `/queues`: the project's annotation queues with their pending/done counts
 * (`GET /api/v1/annotation-queues`), create / edit / delete, and a Review link per queue.
 * j/k select a row, Enter edits it.
 */
export function QueuesPage() {
  const [search, setSearch] = useSearchParams();
  const page = Math.max(1, Number(search.get('page') ?? '1') || 1);
  const { data, error, loading, reload } = useApi(
    (signal) => api<AnnotationQueueList>('/api/v1/annotation-queues', { query: { page, page_size: 100 }, signal }),
    [page],
  );
  const [editing, setEditing] = useState<AnnotationQueue | 'new' | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const queues = data?.annotation_queues ?? [];
  const edit = useCallback((index: number) => setEditing(queues[index]), [queues]);
  const [selected, setSelected] = useListKeys(queues.length, edit);

  const remove = async (queue: AnnotationQueue) => {
    setActionError(null);
    try {
      await api<void>(`/api/v1/annotation-queues/${encodeURIComponent(queue.id)}`, { method: 'DELETE' });
      setNotice(`Queue “${queue.name}” deleted.`);
      if (editing !== 'new' && editing?.id === queue.id) setEditing(null);
      reload();
    } catch (e) {
      setActionError(e instanceof ApiError ? e : new ApiError(0, String(e), null, null));
    }
  };

  return (
    <div>
      <div className="crud-toolbar">
        <h1>Annotation queues</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')} disabled={editing === 'new'}>
          New queue
        </button>
      </div>
      <p role="status" className="muted">
        {notice}
      </p>
      <ErrorBanner error={error ?? actionError} />
      {editing && (
        <QueueForm
          key={editing === 'new' ? 'new' : editing.id}
          initial={editing === 'new' ? EMPTY_QUEUE : queueDraft(editing)}
          queueId={editing === 'new' ? undefined : editing.id}
          onCancel={() => setEditing(null)}
          onSaved={(queue) => {
            setNotice(`Queue “${queue.name}” ${editing === 'new' ? 'created' : 'saved'}.`);
            setEditing(null);
            reload();
          }}
        />
      )}
      {loading && !data && <p className="muted">Loading queues…</p>}
      {data && queues.length === 0 && (
        <div className="empty-state">
          <p>No annotation queues yet.</p>
          <p>
            A queue collects completed traces for people to review, e.g. every trace whose evaluation failed (filter
            evaluator “judge”, verdict passed = false): traces join as the verdicts arrive.
          </p>
        </div>
      )}
      {queues.length > 0 && (
        <table className="crud-table" aria-label="Annotation queues">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Enabled</th>
              <th scope="col">Filter</th>
              <th scope="col" className="num">Sampling</th>
              <th scope="col" className="num">Pending</th>
              <th scope="col" className="num">Done</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {queues.map((queue, index) => (
              <tr
                key={queue.id}
                aria-selected={index === selected}
                className={index === selected ? 'selected' : undefined}
                onClick={() => setSelected(index)}
              >
                <td>
                  {queue.name}
                  {queue.description && <div className="muted">{queue.description}</div>}
                </td>
                <td>{queue.enabled ? '✓ enabled' : '— disabled'}</td>
                <td>{filterSummary(queue.filter)}</td>
                <td className="num">{queue.sampling_percent} %</td>
                <td className="num">{queue.pending_count}</td>
                <td className="num">{queue.done_count}</td>
                <td>
                  <span className="crud-confirm">
                    <Link to={reviewHref(queue.id)} aria-label={`Review queue ${queue.name}`}>
                      Review
                    </Link>
                    <button type="button" aria-label={`Edit queue ${queue.name}`} onClick={() => setEditing(queue)}>
                      Edit
                    </button>
                    <ConfirmDelete what={`queue ${queue.name}`} onConfirm={() => void remove(queue)} />
                  </span>
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

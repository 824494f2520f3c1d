import type { ColumnDef } from '@tanstack/react-table';
import { Link } from 'react-router';
import type { AnnotationQueue, AnnotationQueueList } from '../../api/types';
import { filteredResourceColumns, ResourceListPage } from '../../components/crud/ResourceListPage';
import { QueueForm } from './QueueForm';
import { EMPTY_QUEUE, queueDraft } from './queueModel';

/** Link to a queue's review flow. */
export function reviewHref(queueId: string): string {
  return `/queues/${encodeURIComponent(queueId)}/review`;
}

const COLUMNS: ColumnDef<AnnotationQueue>[] = [
  {
    id: 'name',
    header: 'Name',
    cell: ({ row: { original: queue } }) => (
      <>
        {queue.name}
        {queue.description && <div className="muted">{queue.description}</div>}
      </>
    ),
  },
  ...filteredResourceColumns<AnnotationQueue>(),
  { id: 'pending_count', header: 'Pending', cell: ({ row }) => row.original.pending_count },
  { id: 'done_count', header: 'Done', cell: ({ row }) => row.original.done_count },
];

/**
 * `/queues`: the project's annotation queues with their pending/done counts
 * (`GET /api/v1/annotation-queues`), create / edit / delete, and a Review link per queue.
 * j/k select a row, Enter edits it.
 */
export function QueuesPage() {
  return (
    <ResourceListPage<AnnotationQueue, AnnotationQueueList>
      title="Annotation queues"
      noun="queue"
      path="/api/v1/annotation-queues"
      rowsOf={(list) => list.annotation_queues}
      empty={
        <>
          <p>No annotation queues yet.</p>
          <p>
            A queue collects completed traces for people to review, e.g. every trace whose evaluation failed (filter
            evaluator “judge”, verdict passed = false): traces join as the verdicts arrive.
          </p>
        </>
      }
      columns={COLUMNS}
      numericColumns={['sampling_percent', 'pending_count', 'done_count']}
      rowActions={(queue) => (
        <Link to={reviewHref(queue.id)} aria-label={`Review queue ${queue.name}`}>
          Review
        </Link>
      )}
      form={(queue, onSaved, onCancel) => (
        <QueueForm
          initial={queue ? queueDraft(queue) : EMPTY_QUEUE}
          resourceId={queue?.id}
          onSaved={onSaved}
          onCancel={onCancel}
        />
      )}
    />
  );
}

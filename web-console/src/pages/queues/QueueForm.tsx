import type { AnnotationQueue } from '../../api/types';
import { FormField, invalidProps } from '../../components/crud/FormField';
import { ResourceForm } from '../../components/crud/ResourceForm';
import type { DraftForm } from '../../components/crud/useDraftForm';
import { queueBody } from './queueModel';
import type { QueueDraft } from './queueModel';

/** The queue's own field: `Description`. */
function DescriptionField({ draft, set, errorOf }: DraftForm<QueueDraft>) {
  return (
    <FormField htmlFor="queue-description" label="Description" error={errorOf('description')}>
      <textarea
        id="queue-description"
        value={draft.description}
        maxLength={2000}
        rows={2}
        onChange={(e) => set('description', e.target.value)}
        {...invalidProps('queue-description', errorOf('description'))}
      />
    </FormField>
  );
}

/**
 * Creates (POST) or replaces (PUT, `queueId` given) an annotation queue; 400s shown on the field
 * they name. Accessible names: form `New annotation queue` / `Edit queue <name>`, fields `Name`,
 * `Description`, `Enabled`, `Queue filter`, `Sampling %`, buttons `Create queue` / `Save queue`,
 * `Cancel`.
 */
export function QueueForm({
  initial,
  queueId,
  onSaved,
  onCancel,
}: {
  initial: QueueDraft;
  queueId?: string;
  onSaved: (queue: AnnotationQueue) => void;
  onCancel: () => void;
}) {
  return (
    <ResourceForm<QueueDraft, AnnotationQueue>
      path="/api/v1/annotation-queues"
      resourceId={queueId}
      initial={initial}
      toBody={queueBody}
      noun="queue"
      newLabel="New annotation queue"
      filterCaption="Traces the queue collects"
      filterLabel="Queue filter"
      samplingHint="0 to 100"
      afterName={(form) => <DescriptionField {...form} />}
      onSaved={onSaved}
      onCancel={onCancel}
    />
  );
}

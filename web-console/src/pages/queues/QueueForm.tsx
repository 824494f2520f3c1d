import type { AnnotationQueue } from '../../api/types';
import { FormField, invalidProps } from '../../components/crud/FormField';
import { ResourceForm } from '../../components/crud/ResourceForm';
import type { ResourceFormPlacement } from '../../components/crud/ResourceForm';
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
 * Creates (POST) or replaces (PUT, `resourceId` given) an annotation queue; 400s shown on the field
 * they name. Accessible names: form `New annotation queue` / `Edit queue <name>`, fields `Name`,
 * `Description`, `Enabled`, `Queue filter`, `Sampling %`, buttons `Create queue` / `Save queue`,
 * `Cancel`.
 */
export function QueueForm(props: ResourceFormPlacement<QueueDraft, AnnotationQueue>) {
  return (
    <ResourceForm<QueueDraft, AnnotationQueue>
      {...props}
      path="/api/v1/annotation-queues"
      toBody={queueBody}
      noun="queue"
      newLabel="New annotation queue"
      filterCaption="Traces the queue collects"
      filterLabel="Queue filter"
      samplingHint="0 to 100"
      afterName={(form) => <DescriptionField {...form} />}
    />
  );
}

import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import type { AnnotationQueue } from '../../api/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FilterPanel } from '../../components/filters/FilterPanel';
import { FormField, invalidProps } from '../../components/crud/FormField';
import { FilterMatchCount } from '../../components/crud/FilterMatchCount';
import { fieldOfError } from '../../components/crud/fieldError';
import { queueBody } from './queueModel';
import type { QueueDraft } from './queueModel';

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
  const [draft, setDraft] = useState<QueueDraft>(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const field = fieldOfError(error);
  const errorOf = (name: string) => (field === name ? error?.message : null);
  const set = <K extends keyof QueueDraft>(key: K, value: QueueDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const queue = await api<AnnotationQueue>(
        queueId ? `/api/v1/annotation-queues/${encodeURIComponent(queueId)}` : '/api/v1/annotation-queues',
        { method: queueId ? 'PUT' : 'POST', body: queueBody(draft) },
      );
      onSaved(queue);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e), null, null));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="crud-form" onSubmit={submit} aria-label={queueId ? `Edit queue ${initial.name}` : 'New annotation queue'}>
      <ErrorBanner error={error} />
      <FormField htmlFor="queue-name" label="Name" error={errorOf('name')}>
        <input
          id="queue-name"
          value={draft.name}
          required
          maxLength={200}
          onChange={(e) => set('name', e.target.value)}
          {...invalidProps('queue-name', errorOf('name'))}
        />
      </FormField>
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
      <FormField htmlFor="queue-enabled" label="Enabled" inline error={errorOf('enabled')}>
        <input id="queue-enabled" type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} />
      </FormField>
      <div className={`field${errorOf('filter') ? ' field-invalid' : ''}`}>
        <span>Traces the queue collects</span>
        <FilterPanel value={draft.filter} onChange={(f) => set('filter', f)} label="Queue filter" />
        <FilterMatchCount filter={draft.filter} />
        {errorOf('filter') && (
          <span className="field-error">
            {error?.parameter}: {error?.message}
          </span>
        )}
      </div>
      <FormField htmlFor="queue-sampling" label="Sampling %" error={errorOf('sampling_percent')} hint="0 to 100">
        <input
          id="queue-sampling"
          type="number"
          min={0}
          max={100}
          step="any"
          value={draft.sampling_percent}
          onChange={(e) => set('sampling_percent', e.target.value)}
          {...invalidProps('queue-sampling', errorOf('sampling_percent'))}
        />
      </FormField>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {queueId ? 'Save queue' : 'Create queue'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import type { TraceSet } from '../../api/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FilterPanel } from '../../components/filters/FilterPanel';
import { FormField, invalidProps } from '../../components/crud/FormField';
import { FilterMatchCount } from '../../components/crud/FilterMatchCount';
import { fieldOfError } from '../../components/crud/fieldError';
import { EMPTY_SET, parseTraceIds, setBody } from './setModel';
import type { SetDraft } from './setModel';

/**
 * Creates a trace set (`POST /api/v1/trace-sets`) from a filter and a limit, or from pasted
 * trace ids. Accessible names: form `New trace set`, fields `Name`, `Description`, radios
 * `From a filter` / `From trace ids`, `Set filter` (panel), `Limit`, `Trace ids`, buttons
 * `Create set`, `Cancel`.
 */
export function SetForm({ onCreated, onCancel }: { onCreated: (set: TraceSet) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<SetDraft>(EMPTY_SET);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const field = fieldOfError(error);
  const errorOf = (name: string) => (field === name ? error?.message : null);
  const set = <K extends keyof SetDraft>(key: K, value: SetDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const idCount = parseTraceIds(draft.ids).length;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await api<TraceSet>('/api/v1/trace-sets', { method: 'POST', body: setBody(draft) }));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e), null, null));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="crud-form" onSubmit={submit} aria-label="New trace set">
      <ErrorBanner error={error} />
      <FormField htmlFor="set-name" label="Name" error={errorOf('name')}>
        <input id="set-name" value={draft.name} required maxLength={200} onChange={(e) => set('name', e.target.value)} {...invalidProps('set-name', errorOf('name'))} />
      </FormField>
      <FormField htmlFor="set-description" label="Description" error={errorOf('description')}>
        <input id="set-description" value={draft.description} onChange={(e) => set('description', e.target.value)} />
      </FormField>
      <fieldset>
        <legend>Members</legend>
        <label>
          <input type="radio" name="set-mode" checked={draft.mode === 'filter'} onChange={() => set('mode', 'filter')} /> From a filter
        </label>{' '}
        <label>
          <input type="radio" name="set-mode" checked={draft.mode === 'ids'} onChange={() => set('mode', 'ids')} /> From trace ids
        </label>
      </fieldset>
      {draft.mode === 'filter' ? (
        <>
          <div className={`field${errorOf('filter') ? ' field-invalid' : ''}`}>
            <span>The newest traces matching</span>
            <FilterPanel value={draft.filter} onChange={(f) => set('filter', f)} label="Set filter" />
            <FilterMatchCount filter={draft.filter} />
            {errorOf('filter') && (
              <span className="field-error">
                {error?.parameter}: {error?.message}
              </span>
            )}
          </div>
          <FormField htmlFor="set-limit" label="Limit" error={errorOf('limit')} hint="1 to 10,000 newest matching traces (by start)">
            <input id="set-limit" type="number" min={1} max={10000} step={1} value={draft.limit} onChange={(e) => set('limit', e.target.value)} {...invalidProps('set-limit', errorOf('limit'))} />
          </FormField>
        </>
      ) : (
        <FormField htmlFor="set-ids" label="Trace ids" error={errorOf('trace_ids')} hint={`one per line or separated by commas; ${idCount} ids`}>
          <textarea id="set-ids" className="mono" rows={6} value={draft.ids} onChange={(e) => set('ids', e.target.value)} {...invalidProps('set-ids', errorOf('trace_ids'))} />
        </FormField>
      )}
      <p className="hint">A set's members are fixed when it is created; it cannot be changed or deleted later.</p>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Create set
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

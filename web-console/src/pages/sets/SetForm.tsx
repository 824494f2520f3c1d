import { api } from '../../api/client';
import type { TraceSet } from '../../api/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FormField, invalidProps } from '../../components/crud/FormField';
import { FilterField, FormActions, NameField } from '../../components/crud/formFields';
import { useDraftForm } from '../../components/crud/useDraftForm';
import { EMPTY_SET, parseTraceIds, setBody } from './setModel';
import type { SetDraft } from './setModel';

/**
 * Creates a trace set (`POST /api/v1/trace-sets`) from a filter and a limit, or from pasted
 * trace ids. Accessible names: form `New trace set`, fields `Name`, `Description`, radios
 * `From a filter` / `From trace ids`, `Set filter` (panel), `Limit`, `Trace ids`, buttons
 * `Create set`, `Cancel`.
 */
export function SetForm({ onCreated, onCancel }: { onCreated: (set: TraceSet) => void; onCancel: () => void }) {
  const form = useDraftForm<SetDraft, TraceSet>(
    EMPTY_SET,
    (draft) => api<TraceSet>('/api/v1/trace-sets', { method: 'POST', body: setBody(draft) }),
    onCreated,
  );
  const { draft, set, error, errorOf } = form;
  const idCount = parseTraceIds(draft.ids).length;

  return (
    <form className="crud-form" onSubmit={form.submit} aria-label="New trace set">
      <ErrorBanner error={error} />
      <NameField id="set-name" value={draft.name} onChange={(v) => set('name', v)} error={errorOf('name')} />
      <FormField htmlFor="set-description" label="Description" error={errorOf('description')}>
        <input id="set-description" value={draft.description} onChange={(e) => set('description', e.target.value)} />
      </FormField>
      <fieldset>
        <legend>Members</legend>
        <label>
          <input
            type="radio"
            name="set-mode"
            checked={draft.mode === 'filter'}
            onChange={() => set('mode', 'filter')}
          />{' '}
          From a filter
        </label>{' '}
        <label>
          <input type="radio" name="set-mode" checked={draft.mode === 'ids'} onChange={() => set('mode', 'ids')} /> From
          trace ids
        </label>
      </fieldset>
      {draft.mode === 'filter' ? (
        <>
          <FilterField
            caption="The newest traces matching"
            label="Set filter"
            value={draft.filter}
            onChange={(f) => set('filter', f)}
            error={errorOf('filter') ? error : null}
          />
          <FormField
            htmlFor="set-limit"
            label="Limit"
            error={errorOf('limit')}
            hint="1 to 10,000 newest matching traces (by start)"
          >
            <input
              id="set-limit"
              type="number"
              min={1}
              max={10000}
              step={1}
              value={draft.limit}
              onChange={(e) => set('limit', e.target.value)}
              {...invalidProps('set-limit', errorOf('limit'))}
            />
          </FormField>
        </>
      ) : (
        <FormField
          htmlFor="set-ids"
          label="Trace ids"
          error={errorOf('trace_ids')}
          hint={`one per line or separated by commas; ${idCount} ids`}
        >
          <textarea
            id="set-ids"
            className="mono"
            rows={6}
            value={draft.ids}
            onChange={(e) => set('ids', e.target.value)}
            {...invalidProps('set-ids', errorOf('trace_ids'))}
          />
        </FormField>
      )}
      <p className="hint">A set's members are fixed when it is created; it cannot be changed or deleted later.</p>
      <FormActions submitLabel="Create set" busy={form.busy} onCancel={onCancel} />
    </form>
  );
}

import type { ReactNode } from 'react';
import { api } from '../../api/client';
import type { StoredFilter } from '../../api/types';
import { ErrorBanner } from '../ErrorBanner';
import { EnabledField, FilterField, FormActions, NameField, SamplingField } from './formFields';
import { useDraftForm } from './useDraftForm';
import type { DraftForm } from './useDraftForm';

/** The form state every filter-driven resource (evaluation rule, annotation queue) has. */
export interface ResourceDraft {
  name: string;
  enabled: boolean;
  filter: StoredFilter;
  /** 0 to 100 as typed; empty = the API's default. */
  sampling_percent: string;
}

/** What a {@link ResourceForm} is told about the resource it edits. */
export interface ResourceFormProps<D extends ResourceDraft, R> {
  /** The collection, e.g. `/api/v1/evaluation-rules`: POST there, PUT to `<path>/<resourceId>`. */
  path: string;
  /** The resource replaced; absent for a new one. */
  resourceId?: string;
  initial: D;
  /** The request body for a draft. */
  toBody: (draft: D) => Record<string, unknown>;
  /** `rule`: control ids `rule-name`…, names `Edit rule <name>`, `Create rule`, `Save rule`. */
  noun: string;
  /** The form's accessible name when creating, e.g. `New evaluation rule`. */
  newLabel: string;
  /** Caption and accessible name of the filter panel, e.g. `Traces the rule selects`, `Rule filter`. */
  filterCaption: string;
  filterLabel: string;
  samplingHint: string;
  /** Fields of this kind of resource shown after `Name`. */
  afterName?: (form: DraftForm<D>) => ReactNode;
  /** Fields of this kind of resource shown after `Sampling %`. */
  afterSampling?: (form: DraftForm<D>) => ReactNode;
  /** Gets the stored resource the API answered. */
  onSaved: (saved: R) => void;
  onCancel: () => void;
}

/** Where a form of one kind is placed: its start, the resource replaced (none: new) and the callbacks. */
export type ResourceFormPlacement<D extends ResourceDraft, R> = Pick<
  ResourceFormProps<D, R>,
  'initial' | 'resourceId' | 'onSaved' | 'onCancel'
>;

/**
 * Creates (POST) or replaces (PUT, whole resource) a rule or queue: fields `Name`, `Enabled`,
 * the filter panel and `Sampling %` plus the kind's own fields; a 400 is shown in the banner and
 * on the field it names.
 */
export function ResourceForm<D extends ResourceDraft, R>(props: ResourceFormProps<D, R>) {
  const { path, resourceId, initial, toBody, noun, onSaved } = props;
  const form = useDraftForm<D, R>(
    initial,
    (draft) =>
      api<R>(resourceId ? `${path}/${encodeURIComponent(resourceId)}` : path, {
        method: resourceId ? 'PUT' : 'POST',
        body: toBody(draft),
      }),
    onSaved,
  );
  const { draft, error, errorOf } = form;
  // D extends ResourceDraft, so its common fields take these values.
  const set = form.set as <K extends keyof ResourceDraft>(key: K, value: ResourceDraft[K]) => void;
  return (
    <form
      className="crud-form"
      onSubmit={form.submit}
      aria-label={resourceId ? `Edit ${noun} ${initial.name}` : props.newLabel}
    >
      <ErrorBanner error={error} />
      <NameField id={`${noun}-name`} value={draft.name} onChange={(v) => set('name', v)} error={errorOf('name')} />
      {props.afterName?.(form)}
      <EnabledField
        id={`${noun}-enabled`}
        value={draft.enabled}
        onChange={(v) => set('enabled', v)}
        error={errorOf('enabled')}
      />
      <FilterField
        caption={props.filterCaption}
        label={props.filterLabel}
        value={draft.filter}
        onChange={(f) => set('filter', f)}
        error={errorOf('filter') ? error : null}
      />
      <SamplingField
        id={`${noun}-sampling`}
        value={draft.sampling_percent}
        onChange={(v) => set('sampling_percent', v)}
        error={errorOf('sampling_percent')}
        hint={props.samplingHint}
      />
      {props.afterSampling?.(form)}
      <FormActions
        submitLabel={`${resourceId ? 'Save' : 'Create'} ${noun}`}
        busy={form.busy}
        onCancel={props.onCancel}
      />
    </form>
  );
}

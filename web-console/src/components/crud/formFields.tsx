import type { ApiError } from '../../api/client';
import type { StoredFilter } from '../../api/types';
import { FilterPanel } from '../filters/FilterPanel';
import { FilterMatchCount } from './FilterMatchCount';
import { FormField, invalidProps } from './FormField';

/** Props shared by the fields below: control id, value, change handler, the API's complaint. */
interface FieldProps<V> {
  id: string;
  value: V;
  onChange: (value: V) => void;
  /** The message when a 400 names this field, else null. */
  error: string | null;
}

/** The required `Name` text input (up to 200 characters) of a rule, queue or set. */
export function NameField({ id, value, onChange, error }: FieldProps<string>) {
  return (
    <FormField htmlFor={id} label="Name" error={error}>
      <input
        id={id}
        value={value}
        required
        maxLength={200}
        onChange={(e) => onChange(e.target.value)}
        {...invalidProps(id, error)}
      />
    </FormField>
  );
}

/** The `Enabled` checkbox of a rule or queue. */
export function EnabledField({ id, value, onChange, error }: FieldProps<boolean>) {
  return (
    <FormField htmlFor={id} label="Enabled" inline error={error}>
      <input id={id} type="checkbox" checked={value} onChange={(e) => onChange(e.target.checked)} />
    </FormField>
  );
}

/** The `Sampling %` number input (0 to 100, fractions allowed, kept as typed) with its `hint`. */
export function SamplingField({ id, value, onChange, error, hint }: FieldProps<string> & { hint: string }) {
  return (
    <FormField htmlFor={id} label="Sampling %" error={error} hint={hint}>
      <input
        id={id}
        type="number"
        min={0}
        max={100}
        step="any"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...invalidProps(id, error)}
      />
    </FormField>
  );
}

/**
 * The filter of a rule, queue or set: `caption`, the filter panel named `label` (e.g. `Rule
 * filter`), the live match count, and the API's complaint when `error` (an error naming the
 * filter) is given.
 */
export function FilterField({
  caption,
  label,
  value,
  onChange,
  error,
}: {
  caption: string;
  label: string;
  value: StoredFilter;
  onChange: (filter: StoredFilter) => void;
  error: ApiError | null;
}) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <span>{caption}</span>
      <FilterPanel value={value} onChange={onChange} label={label} />
      <FilterMatchCount filter={value} />
      {error && (
        <span className="field-error">
          {error.parameter}: {error.message}
        </span>
      )}
    </div>
  );
}

/** A form's buttons: the primary submit button (`submitLabel`, disabled while `busy`) and `Cancel`. */
export function FormActions({
  submitLabel,
  busy,
  onCancel,
}: {
  submitLabel: string;
  busy: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="actions">
      <button type="submit" className="primary" disabled={busy}>
        {submitLabel}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

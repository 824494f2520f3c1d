import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api/client';
import type { ApiError } from '../../api/client';
import { fieldOfError } from './fieldError';

/** What {@link useDraftForm} gives a form. */
export interface DraftForm<D> {
  draft: D;
  /** Sets one field of the draft. */
  set: <K extends keyof D>(key: K, value: D[K]) => void;
  /** The last save's error (shown in the form's banner), null when none. */
  error: ApiError | null;
  /** The error's message when it names `field` (see `fieldOfError`), else null. */
  errorOf: (field: string) => string | null;
  busy: boolean;
  /** The form's `onSubmit`: runs `save(draft)`, keeping the error when it throws. */
  submit: (event: FormEvent) => Promise<void>;
}

/**
 * State of a create/edit form: the draft (starting at `initial`), the busy flag while saving
 * and the API error of the last save, mapped to the field it names. `save` gets the draft on
 * submit; what it resolves to is passed to `onSaved`.
 */
export function useDraftForm<D, R>(
  initial: D,
  save: (draft: D) => Promise<R>,
  onSaved: (saved: R) => void,
): DraftForm<D> {
  const [draft, setDraft] = useState<D>(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const field = fieldOfError(error);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await save(draft));
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return {
    draft,
    set: (key, value) => setDraft((d) => ({ ...d, [key]: value })),
    error,
    errorOf: (name) => (field === name && error ? error.message : null),
    busy,
    submit,
  };
}

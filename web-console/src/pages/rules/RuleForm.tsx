import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import type { EvaluationRule, RuleTurn } from '../../api/types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FilterPanel } from '../../components/filters/FilterPanel';
import { FormField, invalidProps } from '../../components/crud/FormField';
import { FilterMatchCount } from '../../components/crud/FilterMatchCount';
import { fieldOfError } from '../../components/crud/fieldError';
import { ruleBody } from './ruleModel';
import type { RuleDraft } from './ruleModel';

const TURNS: readonly { value: RuleTurn; label: string }[] = [
  { value: 'first', label: 'First revision only' },
  { value: 'every', label: 'Every revision' },
  { value: 'last', label: 'Last revision, once settled' },
];

/**
 * Creates (`ruleId` absent: POST) or replaces (PUT) an evaluation rule. A 400 is shown in the
 * banner and on the field it names. Accessible names: form `New evaluation rule` / `Edit rule
 * <name>`, fields `Name`, `Enabled`, `Rule filter` (the filter panel), `Sampling %`, `Turn`,
 * `Delay after last revision (seconds)`, buttons `Create rule` / `Save rule`, `Cancel`.
 */
export function RuleForm({
  initial,
  ruleId,
  onSaved,
  onCancel,
}: {
  initial: RuleDraft;
  ruleId?: string;
  onSaved: (rule: EvaluationRule) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<RuleDraft>(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const field = fieldOfError(error);
  const errorOf = (name: string) => (field === name ? error?.message : null);
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const rule = await api<EvaluationRule>(
        ruleId ? `/api/v1/evaluation-rules/${encodeURIComponent(ruleId)}` : '/api/v1/evaluation-rules',
        { method: ruleId ? 'PUT' : 'POST', body: ruleBody(draft) },
      );
      onSaved(rule);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e), null, null));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="crud-form" onSubmit={submit} aria-label={ruleId ? `Edit rule ${initial.name}` : 'New evaluation rule'}>
      <ErrorBanner error={error} />
      <FormField htmlFor="rule-name" label="Name" error={errorOf('name')}>
        <input
          id="rule-name"
          value={draft.name}
          required
          maxLength={200}
          onChange={(e) => set('name', e.target.value)}
          {...invalidProps('rule-name', errorOf('name'))}
        />
      </FormField>
      <FormField htmlFor="rule-enabled" label="Enabled" inline error={errorOf('enabled')}>
        <input id="rule-enabled" type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} />
      </FormField>
      <div className={`field${errorOf('filter') ? ' field-invalid' : ''}`}>
        <span>Traces the rule selects</span>
        <FilterPanel value={draft.filter} onChange={(f) => set('filter', f)} label="Rule filter" />
        <FilterMatchCount filter={draft.filter} />
        {errorOf('filter') && (
          <span className="field-error">
            {error?.parameter}: {error?.message}
          </span>
        )}
      </div>
      <FormField
        htmlFor="rule-sampling"
        label="Sampling %"
        error={errorOf('sampling_percent')}
        hint="0 to 100; a trace taken at some percentage is taken at every higher one"
      >
        <input
          id="rule-sampling"
          type="number"
          min={0}
          max={100}
          step="any"
          value={draft.sampling_percent}
          onChange={(e) => set('sampling_percent', e.target.value)}
          {...invalidProps('rule-sampling', errorOf('sampling_percent'))}
        />
      </FormField>
      <FormField htmlFor="rule-turn" label="Turn" error={errorOf('turn')}>
        <select
          id="rule-turn"
          value={draft.turn}
          onChange={(e) => set('turn', e.target.value as RuleTurn)}
          {...invalidProps('rule-turn', errorOf('turn'))}
        >
          {TURNS.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </FormField>
      {draft.turn === 'last' && (
        <FormField
          htmlFor="rule-delay"
          label="Delay after last revision (seconds)"
          error={errorOf('last_delay_seconds')}
          hint="1 to 604,800; fires once no newer revision followed for this long"
        >
          <input
            id="rule-delay"
            type="number"
            min={1}
            max={604800}
            step={1}
            value={draft.last_delay_seconds}
            onChange={(e) => set('last_delay_seconds', e.target.value)}
            {...invalidProps('rule-delay', errorOf('last_delay_seconds'))}
          />
        </FormField>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {ruleId ? 'Save rule' : 'Create rule'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

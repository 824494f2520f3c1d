import type { EvaluationRule, RuleTurn } from '../../api/types';
import { FormField, invalidProps } from '../../components/crud/FormField';
import { ResourceForm } from '../../components/crud/ResourceForm';
import type { ResourceFormPlacement } from '../../components/crud/ResourceForm';
import type { DraftForm } from '../../components/crud/useDraftForm';
import { ruleBody } from './ruleModel';
import type { RuleDraft } from './ruleModel';

const TURNS: readonly { value: RuleTurn; label: string }[] = [
  { value: 'first', label: 'First revision only' },
  { value: 'every', label: 'Every revision' },
  { value: 'last', label: 'Last revision, once settled' },
];

/** The rule's own fields: `Turn` and, for turn `last`, the delay. */
function TurnFields({ draft, set, errorOf }: DraftForm<RuleDraft>) {
  return (
    <>
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
    </>
  );
}

/**
 * Creates (`resourceId` absent: POST) or replaces (PUT) an evaluation rule. A 400 is shown in the
 * banner and on the field it names. Accessible names: form `New evaluation rule` / `Edit rule
 * <name>`, fields `Name`, `Enabled`, `Rule filter` (the filter panel), `Sampling %`, `Turn`,
 * `Delay after last revision (seconds)`, buttons `Create rule` / `Save rule`, `Cancel`.
 */
export function RuleForm(props: ResourceFormPlacement<RuleDraft, EvaluationRule>) {
  return (
    <ResourceForm<RuleDraft, EvaluationRule>
      {...props}
      path="/api/v1/evaluation-rules"
      toBody={ruleBody}
      noun="rule"
      newLabel="New evaluation rule"
      filterCaption="Traces the rule selects"
      filterLabel="Rule filter"
      samplingHint="0 to 100; a trace taken at some percentage is taken at every higher one"
      afterSampling={(form) => <TurnFields {...form} />}
    />
  );
}

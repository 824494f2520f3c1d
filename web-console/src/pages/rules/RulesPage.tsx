import type { ColumnDef } from '@tanstack/react-table';
import type { EvaluationRule, EvaluationRuleList } from '../../api/types';
import { filteredResourceColumns, ResourceListPage } from '../../components/crud/ResourceListPage';
import { TimeMillis } from '../../components/crud/units';
import { RuleForm } from './RuleForm';
import { EMPTY_RULE, formatDelay, ruleDraft } from './ruleModel';

const TURN_LABEL = { first: 'first', every: 'every', last: 'last' } as const;

const COLUMNS: ColumnDef<EvaluationRule>[] = [
  { id: 'name', header: 'Name', cell: ({ row }) => row.original.name },
  ...filteredResourceColumns<EvaluationRule>(),
  { id: 'turn', header: 'Turn', cell: ({ row }) => TURN_LABEL[row.original.turn] ?? row.original.turn },
  {
    id: 'delay',
    header: 'Delay',
    cell: ({ row }) => (row.original.turn === 'last' ? formatDelay(row.original.last_delay_seconds) : '–'),
  },
  { id: 'updated', header: 'Updated', cell: ({ row }) => <TimeMillis millis={row.original.updated_epoch_millis} /> },
];

/**
 * `/rules`: the project's evaluation rules (`GET /api/v1/evaluation-rules`), with a form to
 * create one ("New rule"), edit one (PUT of the whole rule) and delete one (after confirming).
 * j/k select a row, Enter edits it.
 */
export function RulesPage() {
  return (
    <ResourceListPage<EvaluationRule, EvaluationRuleList>
      title="Evaluation rules"
      noun="rule"
      path="/api/v1/evaluation-rules"
      rowsOf={(list) => list.evaluation_rules}
      intro={
        <p className="hint">
          A rule fires an evaluation trigger for the completed traces its filter selects; changes apply within a few
          seconds to traces completing from then on.
        </p>
      }
      empty={
        <>
          <p>No evaluation rules yet.</p>
          <p>
            Create one to have your evaluators judge traces as they complete: e.g. every failed checkout (filter status
            ERROR, tag checkout), 10 % sampled, once the trace has settled (turn “last”).
          </p>
        </>
      }
      columns={COLUMNS}
      numericColumns={['sampling_percent']}
      form={(rule, onSaved, onCancel) => (
        <RuleForm
          initial={rule ? ruleDraft(rule) : EMPTY_RULE}
          resourceId={rule?.id}
          onSaved={onSaved}
          onCancel={onCancel}
        />
      )}
    />
  );
}

import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ApiError } from '../../api/client';
import type { EvaluationRule, EvaluationRuleList } from '../../api/types';
import { useApi } from '../../api/useApi';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ConfirmDelete } from '../../components/crud/ConfirmDelete';
import { Pager } from '../../components/crud/Pager';
import { filterSummary } from '../../components/crud/filterSummary';
import { useListKeys } from '../../components/crud/useListKeys';
import { TimeMillis } from '../../components/crud/units';
import { RuleForm } from './RuleForm';
import { EMPTY_RULE, formatDelay, ruleDraft } from './ruleModel';
import '../../components/crud/crud.css';

const TURN_LABEL = { first: 'first', every: 'every', last: 'last' } as const;

/**
 * `/rules`: the project's evaluation rules (`GET /api/v1/evaluation-rules`), with a form to
 * create one ("New rule"), edit one (PUT of the whole rule) and delete one (after confirming).
 * j/k select a row, Enter edits it.
 */
export function RulesPage() {
  const [search, setSearch] = useSearchParams();
  const page = Math.max(1, Number(search.get('page') ?? '1') || 1);
  const { data, error, loading, reload } = useApi(
    (signal) => api<EvaluationRuleList>('/api/v1/evaluation-rules', { query: { page, page_size: 100 }, signal }),
    [page],
  );
  const [editing, setEditing] = useState<EvaluationRule | 'new' | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const rules = data?.evaluation_rules ?? [];
  const edit = useCallback((index: number) => setEditing(rules[index]), [rules]);
  const [selected, setSelected] = useListKeys(rules.length, edit);

  const remove = async (rule: EvaluationRule) => {
    setActionError(null);
    try {
      await api<void>(`/api/v1/evaluation-rules/${encodeURIComponent(rule.id)}`, { method: 'DELETE' });
      setNotice(`Rule “${rule.name}” deleted.`);
      if (editing !== 'new' && editing?.id === rule.id) setEditing(null);
      reload();
    } catch (e) {
      setActionError(e instanceof ApiError ? e : new ApiError(0, String(e), null, null));
    }
  };

  return (
    <div>
      <div className="crud-toolbar">
        <h1>Evaluation rules</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')} disabled={editing === 'new'}>
          New rule
        </button>
      </div>
      <p className="hint">
        A rule fires an evaluation trigger for the completed traces its filter selects; changes apply within a few
        seconds to traces completing from then on.
      </p>
      <p role="status" className="muted">
        {notice}
      </p>
      <ErrorBanner error={error ?? actionError} />
      {editing && (
        <RuleForm
          key={editing === 'new' ? 'new' : editing.id}
          initial={editing === 'new' ? EMPTY_RULE : ruleDraft(editing)}
          ruleId={editing === 'new' ? undefined : editing.id}
          onCancel={() => setEditing(null)}
          onSaved={(rule) => {
            setNotice(`Rule “${rule.name}” ${editing === 'new' ? 'created' : 'saved'}.`);
            setEditing(null);
            reload();
          }}
        />
      )}
      {loading && !data && <p className="muted">Loading rules…</p>}
      {data && rules.length === 0 && (
        <div className="empty-state">
          <p>No evaluation rules yet.</p>
          <p>
            Create one to have your evaluators judge traces as they complete: e.g. every failed checkout (filter status
            ERROR, tag checkout), 10 % sampled, once the trace has settled (turn “last”).
          </p>
        </div>
      )}
      {rules.length > 0 && (
        <table className="crud-table" aria-label="Evaluation rules">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Enabled</th>
              <th scope="col">Filter</th>
              <th scope="col" className="num">Sampling</th>
              <th scope="col">Turn</th>
              <th scope="col">Delay</th>
              <th scope="col">Updated</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule, index) => (
              <tr
                key={rule.id}
                aria-selected={index === selected}
                className={index === selected ? 'selected' : undefined}
                onClick={() => setSelected(index)}
              >
                <td>{rule.name}</td>
                <td>{rule.enabled ? '✓ enabled' : '— disabled'}</td>
                <td>{filterSummary(rule.filter)}</td>
                <td className="num">{rule.sampling_percent} %</td>
                <td>{TURN_LABEL[rule.turn] ?? rule.turn}</td>
                <td>{rule.turn === 'last' ? formatDelay(rule.last_delay_seconds) : '–'}</td>
                <td>
                  <TimeMillis millis={rule.updated_epoch_millis} />
                </td>
                <td>
                  <span className="crud-confirm">
                    <button type="button" aria-label={`Edit rule ${rule.name}`} onClick={() => setEditing(rule)}>
                      Edit
                    </button>
                    <ConfirmDelete what={`rule ${rule.name}`} onConfirm={() => void remove(rule)} />
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && (
        <Pager page={page} hasMore={data.has_more} onPage={(p) => setSearch(new URLSearchParams({ page: String(p) }))} />
      )}
    </div>
  );
}

import { Fragment, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import type { Comparison, TraceSummary, ValueDelta } from '../../api/types';
import { useApi } from '../../api/useApi';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TextValue } from '../../components/crud/TextValue';
import { Status, TimeNanos } from '../../components/crud/units';
import { exactCost } from '../../format';
import { CHANGE_MARK, ROLLUP_FIELDS, alignedRows, deltaTrend, formatDelta, formatValue } from './compareModel';
import type { CompareUnit } from './compareModel';
import '../../components/crud/crud.css';
import './compare.css';

function exact(value: unknown, unit: CompareUnit): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (unit === 'cost' && typeof value === 'number') return exactCost(value);
  if (unit === 'duration') return `${String(value)} ns`;
  return String(value);
}

/** A number cell (value in human units, exact on hover). */
function ValueCell({ value, unit }: { value: unknown; unit: CompareUnit }) {
  return (
    <td className="num" title={exact(value, unit)}>
      {formatValue(value, unit)}
    </td>
  );
}

/** A delta cell: signed text, coloured by trend, with a word for screen readers. */
function DeltaCell({ delta, unit }: { delta: ValueDelta<unknown> | undefined; unit: CompareUnit }) {
  const trend = deltaTrend(delta, unit);
  const raw = delta?.delta;
  return (
    <td className={`num delta-${trend}`} title={typeof raw === 'number' ? exact(raw, unit) : undefined}>
      {formatDelta(delta, unit)}
      {trend !== 'same' && <span className="sr-only"> ({trend})</span>}
    </td>
  );
}

/** The form asking for the two trace ids (`a`, `b` in the URL). */
function CompareForm({ a, b, onCompare }: { a: string; b: string; onCompare: (a: string, b: string) => void }) {
  const [draftA, setDraftA] = useState(a);
  const [draftB, setDraftB] = useState(b);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onCompare(draftA.trim(), draftB.trim());
  };
  return (
    <form className="compare-form" onSubmit={submit} aria-label="Traces to compare">
      <label>
        Trace A id{' '}
        <input className="mono" value={draftA} onChange={(e) => setDraftA(e.target.value)} required size={34} />
      </label>
      <label>
        Trace B id{' '}
        <input className="mono" value={draftB} onChange={(e) => setDraftB(e.target.value)} required size={34} />
      </label>
      <button type="submit" className="primary">
        Compare
      </button>
      <button
        type="button"
        onClick={() => {
          setDraftA(draftB);
          setDraftB(draftA);
          if (draftA && draftB) onCompare(draftB.trim(), draftA.trim());
        }}
      >
        Swap A and B
      </button>
    </form>
  );
}

function TraceHeading({ side, trace }: { side: 'A' | 'B'; trace: TraceSummary }) {
  return (
    <th scope="col">
      {side}:{' '}
      <Link to={`/traces/${encodeURIComponent(trace.id)}`} aria-label={`Open trace ${side}`}>
        {trace.name ?? trace.id}
      </Link>
      <div className="muted mono">{trace.id}</div>
      <div className="muted">
        <TimeNanos nanos={trace.start_epoch_nanos} />
      </div>
    </th>
  );
}

/** The rollups side by side with deltas. */
function RollupTable({ comparison }: { comparison: Comparison }) {
  return (
    <table className="crud-table compare-rollup" aria-label="Rollup comparison">
      <thead>
        <tr>
          <th scope="col">Measure</th>
          <TraceHeading side="A" trace={comparison.trace_a} />
          <TraceHeading side="B" trace={comparison.trace_b} />
          <th scope="col">Change (B − A)</th>
        </tr>
      </thead>
      <tbody>
        {ROLLUP_FIELDS.map(({ key, label, unit }) => {
          const delta = comparison.rollup[key];
          return (
            <tr key={key}>
              <th scope="row">{label}</th>
              {unit === 'status' ? (
                <>
                  <td>
                    <Status status={delta?.a as string | null} />
                  </td>
                  <td>
                    <Status status={delta?.b as string | null} />
                  </td>
                </>
              ) : (
                <>
                  <ValueCell value={delta?.a} unit={unit} />
                  <ValueCell value={delta?.b} unit={unit} />
                </>
              )}
              <DeltaCell delta={delta} unit={unit} />
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The aligned spans: one row per compared span, outputs side by side under changed rows. */
function SpansTable({ comparison, onlyChanged }: { comparison: Comparison; onlyChanged: boolean }) {
  const rows = alignedRows(comparison, onlyChanged);
  if (rows.length === 0) {
    return (
      <p className="empty-state">{onlyChanged ? 'No span changed between A and B.' : 'Neither trace has spans.'}</p>
    );
  }
  return (
    <table className="crud-table compare-spans" aria-label="Aligned spans">
      <thead>
        <tr>
          <th scope="col">Span</th>
          <th scope="col">Change</th>
          <th scope="col">Status A → B</th>
          <th scope="col" className="num">
            Duration A
          </th>
          <th scope="col" className="num">
            Duration B
          </th>
          <th scope="col" className="num">
            Δ duration
          </th>
          <th scope="col" className="num">
            Tokens A
          </th>
          <th scope="col" className="num">
            Tokens B
          </th>
          <th scope="col" className="num">
            Δ tokens
          </th>
          <th scope="col" className="num">
            Cost A
          </th>
          <th scope="col" className="num">
            Cost B
          </th>
          <th scope="col" className="num">
            Δ cost
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <Fragment key={row.key}>
            <tr className={`change-${row.span.change}`} data-change={row.span.change}>
              <th
                scope="row"
                className="span-name"
                style={{ paddingLeft: 8 + row.depth * 16 }}
                title={row.span.path.join(' › ')}
              >
                {row.name}
                {row.span.occurrence > 0 && <span className="muted"> #{row.span.occurrence + 1}</span>}
              </th>
              <td className={`change change-${row.span.change}`}>
                <span aria-hidden="true">{CHANGE_MARK[row.span.change]}</span> {row.span.change}
              </td>
              <td>
                {row.status.changed ? (
                  <span className={row.status.b === 'ERROR' ? 'status-error' : undefined}>
                    {row.status.a ?? '–'} → {row.status.b ?? '–'}
                  </span>
                ) : (
                  <Status status={row.status.a ?? row.status.b} />
                )}
              </td>
              <ValueCell value={row.duration.a} unit="duration" />
              <ValueCell value={row.duration.b} unit="duration" />
              <DeltaCell delta={row.duration} unit="duration" />
              <ValueCell value={row.tokens.a} unit="count" />
              <ValueCell value={row.tokens.b} unit="count" />
              <DeltaCell delta={row.tokens} unit="count" />
              <ValueCell value={row.cost.a} unit="cost" />
              <ValueCell value={row.cost.b} unit="cost" />
              <DeltaCell delta={row.cost} unit="cost" />
            </tr>
            {row.span.change === 'changed' && (
              <tr className="compare-outputs">
                <td colSpan={12}>
                  <div className="outputs-side-by-side">
                    <div aria-label={`Output A of ${row.name}`} role="group">
                      <span className="muted">Output A</span>
                      <TextValue value={row.span.a?.output} empty="no output" />
                    </div>
                    <div aria-label={`Output B of ${row.name}`} role="group">
                      <span className="muted">Output B</span>
                      <TextValue value={row.span.b?.output} empty="no output" />
                    </div>
                  </div>
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

/**
 * `/compare?a=<trace id>&b=<trace id>`: `POST /api/v1/traces/compare`, the rollups side by side
 * with deltas (B − A), then the spans aligned by path. Without both ids, a form asks for them.
 * `?changed=1` keeps only changed spans.
 */
export function ComparePage() {
  const [search, setSearch] = useSearchParams();
  const a = search.get('a') ?? '';
  const b = search.get('b') ?? '';
  const onlyChanged = search.get('changed') === '1';
  const ready = a !== '' && b !== '';
  const { data, error, loading } = useApi(
    (signal) =>
      ready
        ? api<Comparison>('/api/v1/traces/compare', { method: 'POST', body: { trace_id_a: a, trace_id_b: b }, signal })
        : Promise.resolve(undefined),
    [a, b],
  );
  const setParams = (next: Record<string, string>) => {
    const params = new URLSearchParams(search);
    for (const [k, v] of Object.entries(next)) {
      if (v) params.set(k, v);
      else params.delete(k);
    }
    setSearch(params);
  };
  return (
    <div className="compare-page">
      <h1>Compare traces</h1>
      <CompareForm key={`${a}|${b}`} a={a} b={b} onCompare={(na, nb) => setParams({ a: na, b: nb })} />
      {!ready && (
        <p className="empty-state">
          Enter two trace ids, or select two traces in the <Link to="/traces">traces list</Link> and choose Compare.
          Spans are aligned by their path of names; the n-th span with a path in A meets the n-th in B.
        </p>
      )}
      {ready && <ErrorBanner error={error} />}
      {ready && loading && !data && <p className="muted">Comparing…</p>}
      {ready && data && (
        <>
          <RollupTable comparison={data} />
          <h2>Spans</h2>
          <div className="crud-toolbar">
            <p className="muted">
              {data.span_changes.added} added · {data.span_changes.removed} removed · {data.span_changes.changed}{' '}
              changed · {data.span_changes.unchanged} unchanged
            </p>
            <label>
              <input
                type="checkbox"
                checked={onlyChanged}
                onChange={(e) => setParams({ changed: e.target.checked ? '1' : '' })}
              />{' '}
              Only changed
            </label>
          </div>
          <SpansTable comparison={data} onlyChanged={onlyChanged} />
        </>
      )}
    </div>
  );
}

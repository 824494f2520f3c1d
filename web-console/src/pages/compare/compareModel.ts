import type { ComparedSpan, ComparedSpanSide, Comparison, ValueDelta } from '../../api/types';
import { formatCost, formatCount, formatDuration } from '../../format';

/** The unit of a compared number: how its values and delta are written. */
export type CompareUnit = 'duration' | 'cost' | 'count' | 'status';

/** The rollup fields shown side by side, in order, with their label and unit. */
export const ROLLUP_FIELDS: readonly { key: string; label: string; unit: CompareUnit }[] = [
  { key: 'status', label: 'Status', unit: 'status' },
  { key: 'duration_nanos', label: 'Duration', unit: 'duration' },
  { key: 'time_to_first_token_nanos', label: 'Time to first token', unit: 'duration' },
  { key: 'input_tokens', label: 'Input tokens', unit: 'count' },
  { key: 'output_tokens', label: 'Output tokens', unit: 'count' },
  { key: 'total_tokens', label: 'Total tokens', unit: 'count' },
  { key: 'cost_microcents', label: 'Cost', unit: 'cost' },
  { key: 'span_count', label: 'Spans', unit: 'count' },
  { key: 'error_count', label: 'Errors', unit: 'count' },
];

/** A value of `unit` in human units (`–` for null). */
export function formatValue(value: unknown, unit: CompareUnit): string {
  if (value === null || value === undefined) return '–';
  if (unit === 'status') return String(value);
  if (typeof value !== 'number') return String(value);
  if (unit === 'duration') return formatDuration(value);
  if (unit === 'cost') return formatCost(value);
  return formatCount(value);
}

/**
 * A delta (b - a) with its sign: `+200 ms`, `−30 ms`, `+$0.0001`, `0`; `–` when unknown. For
 * status, `OK → ERROR` when it changed, `same` otherwise.
 */
export function formatDelta(delta: ValueDelta<unknown> | undefined, unit: CompareUnit): string {
  if (!delta) return '–';
  if (unit === 'status') {
    const changed = delta.changed ?? delta.a !== delta.b;
    return changed ? `${String(delta.a ?? '–')} → ${String(delta.b ?? '–')}` : 'same';
  }
  const d = delta.delta ?? (typeof delta.a === 'number' && typeof delta.b === 'number' ? delta.b - delta.a : null);
  if (d === null || d === undefined) return '–';
  if (d === 0) return '0';
  const sign = d > 0 ? '+' : '−';
  return sign + formatValue(Math.abs(d), unit);
}

/** `worse`, `better` or `same` for a delta: more time, tokens, cost, spans or errors is worse. */
export function deltaTrend(delta: ValueDelta<unknown> | undefined, unit: CompareUnit): 'worse' | 'better' | 'same' {
  if (!delta) return 'same';
  if (unit === 'status') {
    if (delta.a === delta.b) return 'same';
    return delta.b === 'ERROR' ? 'worse' : delta.a === 'ERROR' ? 'better' : 'same';
  }
  const d = delta.delta ?? null;
  if (d === null || d === 0) return 'same';
  return d > 0 ? 'worse' : 'better';
}

/** A span side's tokens: input + output, null when neither is known. */
export function sideTokens(side: ComparedSpanSide | null): number | null {
  if (!side || (side.input_tokens === null && side.output_tokens === null)) return null;
  return (side.input_tokens ?? 0) + (side.output_tokens ?? 0);
}

/** b - a of two nullable numbers, null when either is null. */
export function numberDelta(a: number | null | undefined, b: number | null | undefined): ValueDelta<number> {
  return { a: a ?? null, b: b ?? null, delta: a == null || b == null ? null : b - a };
}

/** A row of the aligned spans table. */
export interface AlignedRow {
  key: string;
  span: ComparedSpan;
  /** Name shown: the span's own name (the last path element). */
  name: string;
  /** Indent level: path length - 1 (root-level spans at 0). */
  depth: number;
  duration: ValueDelta<number>;
  tokens: ValueDelta<number>;
  cost: ValueDelta<number>;
  status: ValueDelta<string>;
}

/** The spans of a comparison as table rows; `onlyChanged` keeps added, removed and changed ones. */
export function alignedRows(comparison: Comparison, onlyChanged: boolean): AlignedRow[] {
  return comparison.spans
    .filter((s) => !onlyChanged || s.change !== 'unchanged')
    .map((span) => ({
      key: `${span.path.join('\u0000')}#${span.occurrence}`,
      span,
      name: span.path[span.path.length - 1] ?? span.a?.name ?? span.b?.name ?? '',
      depth: Math.max(0, span.path.length - 1),
      duration: numberDelta(span.a?.duration_nanos, span.b?.duration_nanos),
      tokens: numberDelta(sideTokens(span.a), sideTokens(span.b)),
      cost: numberDelta(span.a?.cost_microcents, span.b?.cost_microcents),
      // a status "changes" only when both sides have the span (added/removed say the rest)
      status: {
        a: span.a?.status ?? null,
        b: span.b?.status ?? null,
        changed: !!span.a && !!span.b && span.a.status !== span.b.status,
      },
    }));
}

/** The change as an icon and a word (colour is never the only signal). */
export const CHANGE_MARK: Record<ComparedSpan['change'], string> = {
  added: '+',
  removed: '−',
  changed: '~',
  unchanged: '=',
};

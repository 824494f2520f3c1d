import type { TraceList } from '../../api/types';
import { exactCost, formatCost, formatDuration } from '../../format';
import { formatTotal, pageAggregates } from './listQuery';

/**
 * The list's header figures: how many traces match (`1,000+` when the API stops counting) and
 * this page's count, errors, traces in progress, total cost and p50/p95 duration.
 */
export function PageSummary({ list, live, loading }: { list: TraceList; live: boolean; loading: boolean }) {
  const a = pageAggregates(list.traces);
  const total = formatTotal(list.total_count, list.total_count_capped);
  const errorRate = a.count > 0 ? Math.round((a.errors / a.count) * 100) : 0;
  return (
    <div className="traces-summary" aria-label="Summary">
      <strong>
        {total} trace{list.total_count === 1 && !list.total_count_capped ? '' : 's'} match
      </strong>
      <span title="traces on this page">{a.count} on this page</span>
      <span className={a.errors > 0 ? 'status-error' : undefined}>
        {a.errors > 0 ? <span aria-hidden="true">✕ </span> : null}
        {a.errors} error{a.errors === 1 ? '' : 's'} ({errorRate}%)
      </span>
      <span
        title={exactCost(a.totalCostMicrocents) + (a.withoutCost > 0 ? `; ${a.withoutCost} traces without a cost` : '')}
      >
        total cost {formatCost(a.totalCostMicrocents)}
      </span>
      {a.p50DurationNanos !== null ? (
        <span title={`p50 ${a.p50DurationNanos} ns, p95 ${a.p95DurationNanos} ns`}>
          p50 {formatDuration(a.p50DurationNanos)} · p95 {formatDuration(a.p95DurationNanos)}
        </span>
      ) : null}
      {live ? (
        <span className="live" title={`Reloads every few seconds while traces are in progress`}>
          <span className="live-dot" aria-hidden="true" />
          {a.inProgress} in progress, live
        </span>
      ) : null}
      {loading && !live ? <span className="muted">Loading…</span> : null}
    </div>
  );
}

import {
  exactCost,
  formatCost,
  formatCount,
  formatDuration,
  formatMillis,
  formatTime,
  utcMillis,
  utcTime,
} from '../../format';

/** A duration in nanoseconds, human (`12.3 ms`) with the exact nanoseconds on hover. */
export function Duration({ nanos }: { nanos: number | null | undefined }) {
  return <span title={nanos == null ? undefined : `${nanos} ns`}>{formatDuration(nanos)}</span>;
}

/** A cost in microcents, `$0.004213`, exact on hover. */
export function Cost({ microcents }: { microcents: number | null | undefined }) {
  return <span title={exactCost(microcents)}>{formatCost(microcents)}</span>;
}

/** A count (tokens, spans), `1.2k`, exact on hover. */
export function Count({ value }: { value: number | null | undefined }) {
  return <span title={value == null ? undefined : String(value)}>{formatCount(value)}</span>;
}

/** An epoch-nanosecond time in the browser's zone, UTC on hover. */
export function TimeNanos({ nanos }: { nanos: number | null | undefined }) {
  return <time title={utcTime(nanos)}>{formatTime(nanos)}</time>;
}

/** An epoch-millisecond time in the browser's zone, UTC on hover. */
export function TimeMillis({ millis }: { millis: number | null | undefined }) {
  return <time title={utcMillis(millis)}>{formatMillis(millis)}</time>;
}

/** A trace status as icon + text (colour is never the only signal). */
export function Status({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="muted">–</span>;
  const icon = status === 'ERROR' ? '✕' : status === 'OK' ? '✓' : '○';
  const cls = status === 'ERROR' ? 'status-error' : status === 'OK' ? 'status-ok' : 'muted';
  return (
    <span className={cls}>
      <span aria-hidden="true">{icon}</span> {status}
    </span>
  );
}

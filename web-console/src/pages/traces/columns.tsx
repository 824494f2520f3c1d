import { Link } from 'react-router';
import type { ColumnDef } from '@tanstack/react-table';
import type { TraceSummary } from '../../api/types';
import { exactCost, formatCost, formatCount, formatDuration, formatTime, utcTime } from '../../format';
import type { SortKey } from './listQuery';

/** Column extras: the API sort key a header click sorts by, and the cell's class. */
export interface TraceColumnMeta {
  sortKey?: SortKey;
  className?: string;
}

/** The label of a trace for people: its name, else its id. */
export function traceLabel(t: TraceSummary): string {
  return t.name && t.name.trim() !== '' ? t.name : t.id;
}

const exactNanos = (nanos: number | null) => (nanos === null ? 'unknown' : `${nanos.toLocaleString('en-US')} ns`);

function StateCell({ t }: { t: TraceSummary }) {
  const details = [
    `revision ${t.revision}`,
    t.completion_reason ? `completion reason ${t.completion_reason}` : null,
    t.spans_beyond_revision ? `${t.spans_beyond_revision} spans beyond the revision` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <span title={details} className={t.state === 'in_progress' ? 'tl-state live' : 'tl-state'}>
      {t.state === 'in_progress' ? <span className="live-dot" aria-hidden="true" /> : null}
      {t.state === 'in_progress' ? 'in progress' : 'complete'}
      {t.revision > 0 ? <span className="muted"> · rev {t.revision}</span> : null}
    </span>
  );
}

function StatusCell({ t }: { t: TraceSummary }) {
  const errors = `${t.error_count} span${t.error_count === 1 ? '' : 's'} with status ERROR`;
  if (t.status === 'ERROR') {
    return (
      <span className="status-error tl-status" title={errors}>
        <span aria-hidden="true">✕ </span>ERROR{t.error_count > 0 ? ` (${t.error_count})` : ''}
      </span>
    );
  }
  if (t.status === 'OK') {
    return (
      <span className="status-ok tl-status" title={errors}>
        <span aria-hidden="true">✓ </span>OK
      </span>
    );
  }
  return (
    <span className="muted tl-status" title={errors}>
      <span aria-hidden="true">○ </span>UNSET
    </span>
  );
}

function TokensCell({ t }: { t: TraceSummary }) {
  const title =
    `input ${t.input_tokens ?? 'unknown'}, output ${t.output_tokens ?? 'unknown'}, ` +
    `total ${t.total_tokens ?? 'unknown'} tokens`;
  return (
    <span title={title}>
      {formatCount(t.input_tokens)} / {formatCount(t.output_tokens)}
    </span>
  );
}

function CostCell({ t }: { t: TraceSummary }) {
  const estimated = t.cost_is_estimated === true;
  return (
    <span title={exactCost(t.cost_microcents) + (estimated ? ', estimated' : '')}>
      {estimated && t.cost_microcents !== null ? '≈' : ''}
      {formatCost(t.cost_microcents)}
    </span>
  );
}

/**
 * The traces table's columns (TanStack Table): selection, start, name, state, status, duration,
 * TTFT, tokens, cost, models, spans, session, user, tags. Numbers in human units with the exact
 * value in `title`.
 */
export function traceColumns(selection: {
  isSelected: (id: string) => boolean;
  toggle: (id: string) => void;
}): ColumnDef<TraceSummary>[] {
  return [
    {
      id: 'select',
      header: () => <span className="sr-only">Select</span>,
      size: 36,
      cell: ({ row }) => (
        <input
          type="checkbox"
          aria-label={`Select trace ${traceLabel(row.original)}`}
          checked={selection.isSelected(row.original.id)}
          onChange={() => selection.toggle(row.original.id)}
          tabIndex={-1}
        />
      ),
    },
    {
      id: 'start',
      header: 'Start time',
      size: 175,
      meta: { sortKey: 'start_time' } satisfies TraceColumnMeta,
      cell: ({ row }) => (
        <span title={`${utcTime(row.original.start_epoch_nanos)} (${row.original.start_epoch_nanos ?? 'no start'})`}>
          {formatTime(row.original.start_epoch_nanos)}
        </span>
      ),
    },
    {
      id: 'name',
      header: 'Name',
      size: 220,
      cell: ({ row }) => (
        <Link to={`/traces/${encodeURIComponent(row.original.id)}`} title={`Trace ${row.original.id}`} tabIndex={-1}>
          {traceLabel(row.original)}
        </Link>
      ),
    },
    { id: 'state', header: 'State', size: 140, cell: ({ row }) => <StateCell t={row.original} /> },
    {
      id: 'status',
      header: 'Status',
      size: 120,
      meta: { sortKey: 'error_count' } satisfies TraceColumnMeta,
      cell: ({ row }) => <StatusCell t={row.original} />,
    },
    {
      id: 'duration',
      header: 'Duration',
      size: 90,
      meta: { sortKey: 'duration', className: 'num' } satisfies TraceColumnMeta,
      cell: ({ row }) => (
        <span title={exactNanos(row.original.duration_nanos)}>{formatDuration(row.original.duration_nanos)}</span>
      ),
    },
    {
      id: 'ttft',
      header: 'TTFT',
      size: 80,
      meta: { className: 'num' } satisfies TraceColumnMeta,
      cell: ({ row }) => (
        <span title={`time to first token: ${exactNanos(row.original.time_to_first_token_nanos)}`}>
          {formatDuration(row.original.time_to_first_token_nanos)}
        </span>
      ),
    },
    {
      id: 'tokens',
      header: 'Tokens in/out',
      size: 125,
      meta: { sortKey: 'total_tokens', className: 'num' } satisfies TraceColumnMeta,
      cell: ({ row }) => <TokensCell t={row.original} />,
    },
    {
      id: 'cost',
      header: 'Cost',
      size: 115,
      meta: { sortKey: 'cost', className: 'num' } satisfies TraceColumnMeta,
      cell: ({ row }) => <CostCell t={row.original} />,
    },
    {
      id: 'models',
      header: 'Models',
      size: 150,
      cell: ({ row }) => <span title={row.original.models.join(', ')}>{row.original.models.join(', ')}</span>,
    },
    {
      id: 'spans',
      header: 'Spans',
      size: 70,
      meta: { sortKey: 'span_count', className: 'num' } satisfies TraceColumnMeta,
      cell: ({ row }) => <span title={`${row.original.span_count} spans`}>{formatCount(row.original.span_count)}</span>,
    },
    {
      id: 'session',
      header: 'Session',
      size: 120,
      cell: ({ row }) =>
        row.original.session_id ? (
          <Link
            to={`/sessions/${encodeURIComponent(row.original.session_id)}`}
            title={`Session ${row.original.session_id}`}
            tabIndex={-1}
          >
            {row.original.session_id}
          </Link>
        ) : (
          <span className="muted">–</span>
        ),
    },
    {
      id: 'user',
      header: 'User',
      size: 100,
      cell: ({ row }) => <span title={row.original.user_id ?? ''}>{row.original.user_id ?? '–'}</span>,
    },
    {
      id: 'tags',
      header: 'Tags',
      size: 160,
      cell: ({ row }) => (
        <span className="tl-tags" title={row.original.tags.join(', ')}>
          {row.original.tags.map((tag) => (
            <span key={tag} className="tl-tag">
              {tag}
            </span>
          ))}
        </span>
      ),
    },
  ];
}

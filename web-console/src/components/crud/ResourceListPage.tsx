import { Fragment, useMemo, useRef } from 'react';
import type { ReactNode } from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import type { Page, StoredFilter } from '../../api/types';
import { ErrorBanner } from '../ErrorBanner';
import { ConfirmDelete } from './ConfirmDelete';
import { DataTable } from './DataTable';
import { filterSummary } from './filterSummary';
import { Pager } from './Pager';
import { useResourceList } from './useResourceList';
import type { ResourceRow } from './useResourceList';
import './crud.css';

/** A listed rule or queue: the fields the shared columns show. */
export interface FilteredResourceRow extends ResourceRow {
  enabled: boolean;
  filter: StoredFilter;
  sampling_percent: number;
}

/** The `Enabled`, `Filter` and `Sampling` columns (id `sampling_percent`, numeric) of rules and queues. */
export function filteredResourceColumns<T extends FilteredResourceRow>(): ColumnDef<T>[] {
  return [
    { id: 'enabled', header: 'Enabled', cell: ({ row }) => (row.original.enabled ? '✓ enabled' : '— disabled') },
    { id: 'filter', header: 'Filter', cell: ({ row }) => filterSummary(row.original.filter) },
    { id: 'sampling_percent', header: 'Sampling', cell: ({ row }) => `${row.original.sampling_percent} %` },
  ];
}

/** What a {@link ResourceListPage} shows; `T` is the resource, `L` a page of the listing. */
export interface ResourceListPageProps<T extends ResourceRow, L extends Page> {
  /** Heading and table name, e.g. `Evaluation rules`. */
  title: string;
  /** `rule`: button `New rule`, `Loading rules…`, names `Edit rule <name>`, `Delete rule <name>`. */
  noun: string;
  /** The collection, e.g. `/api/v1/evaluation-rules`. */
  path: string;
  rowsOf: (list: L) => T[];
  /** Shown under the heading. */
  intro?: ReactNode;
  /** Content of the empty state (no resources yet). */
  empty: ReactNode;
  /** Columns before `Actions`. */
  columns: ColumnDef<T>[];
  numericColumns?: readonly string[];
  /** Extra controls of a row shown before `Edit`. */
  rowActions?: (item: T) => ReactNode;
  /** The create (`item` null) or edit form; `onSaved` gets the stored resource. */
  form: (item: T | null, onSaved: (saved: T) => void, onCancel: () => void) => ReactNode;
}

/**
 * The list page of a resource served by one `ResourceRoutes` on the server (rules, queues): a
 * `New <noun>` button, the outcome line (role status), the form, the table with `Edit` and
 * `Delete` (after confirming) per row, and paging. j/k select a row, Enter edits it.
 */
export function ResourceListPage<T extends ResourceRow, L extends Page>(props: ResourceListPageProps<T, L>) {
  const { noun, rowActions } = props;
  const list = useResourceList<T, L>(props.path, props.rowsOf, noun.charAt(0).toUpperCase() + noun.slice(1));
  const { editing, setEditing, data, rows } = list;
  // The table renders each cell as a component: the columns must stay the same objects across
  // renders (or a row's confirm-delete state is lost), so the actions cell reads the latest
  // handlers through a ref.
  const handlers = useRef({ rowActions, setEditing, remove: list.remove });
  handlers.current = { rowActions, setEditing, remove: list.remove };
  const columns = useMemo<ColumnDef<T>[]>(
    () => [
      ...props.columns,
      {
        id: 'actions',
        header: 'Actions',
        cell: ({ row: { original: item } }) => (
          <span className="crud-confirm">
            {handlers.current.rowActions?.(item)}
            <button
              type="button"
              aria-label={`Edit ${noun} ${item.name}`}
              onClick={() => handlers.current.setEditing(item)}
            >
              Edit
            </button>
            <ConfirmDelete what={`${noun} ${item.name}`} onConfirm={() => void handlers.current.remove(item)} />
          </span>
        ),
      },
    ],
    [props.columns, noun],
  );
  return (
    <div>
      <div className="crud-toolbar">
        <h1>{props.title}</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')} disabled={editing === 'new'}>
          New {noun}
        </button>
      </div>
      {props.intro}
      <p role="status" className="muted">
        {list.notice}
      </p>
      <ErrorBanner error={list.error} />
      {editing && (
        <Fragment key={editing === 'new' ? 'new' : editing.id}>
          {props.form(editing === 'new' ? null : editing, list.saved, () => setEditing(null))}
        </Fragment>
      )}
      {list.loading && !data && <p className="muted">Loading {noun}s…</p>}
      {data && rows.length === 0 && <div className="empty-state">{props.empty}</div>}
      {rows.length > 0 && (
        <DataTable
          label={props.title}
          rows={rows}
          columns={columns}
          rowKey={(item) => item.id}
          numericColumns={props.numericColumns}
          selected={list.selected}
          onSelect={list.setSelected}
        />
      )}
      {data && <Pager page={list.page} hasMore={data.has_more} onPage={list.setPage} />}
    </div>
  );
}

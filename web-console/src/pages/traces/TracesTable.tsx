import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, MouseEvent } from 'react';
import { flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import type { Row } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TraceSummary } from '../../api/types';
import { traceColumns } from './columns';
import type { TraceColumnMeta } from './columns';
import type { SortKey, SortOrder } from './listQuery';

/** Height of a table row in pixels (rows are one line: cells clip with an ellipsis). */
const ROW_HEIGHT = 34;

export interface TracesTableProps {
  traces: readonly TraceSummary[];
  sortBy: SortKey;
  sortOrder: SortOrder;
  /** A sortable header was clicked. */
  onSort: (key: SortKey) => void;
  selected: readonly string[];
  onToggleSelect: (id: string) => void;
  /** Opens a trace (row click, Enter on the focused row). */
  onOpen: (id: string) => void;
  /** The page is loading a new answer (`aria-busy`). */
  busy?: boolean;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * The traces table (`table` "Traces"): TanStack Table columns over a TanStack Virtual window, so
 * 500 rows scroll smoothly. Rows are focusable (one tab stop); `j`/`k` move the row focus from
 * anywhere on the page but text inputs, Enter opens the focused row, Space selects it; a click on a
 * row opens it. Sortable headers are buttons and the column header carries `aria-sort`.
 */
export function TracesTable(props: TracesTableProps) {
  const { traces, sortBy, sortOrder, onSort, selected, onToggleSelect, onOpen, busy } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const [focusRequest, setFocusRequest] = useState<number | null>(null);
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const toggleRef = useRef(onToggleSelect);
  toggleRef.current = onToggleSelect;
  const openRef = useRef(onOpen);
  openRef.current = onOpen;
  // stable, so that a memoised row renders again only when its own props change
  const openStable = useCallback((id: string) => openRef.current(id), []);
  const toggleStable = useCallback((id: string) => toggleRef.current(id), []);

  const columns = useMemo(
    () =>
      traceColumns({
        isSelected: (id) => selectedRef.current.includes(id),
        toggle: (id) => toggleRef.current(id),
      }),
    [],
  );
  const table = useReactTable({
    data: traces as TraceSummary[],
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (t) => t.id,
    manualSorting: true,
  });
  const rows = table.getRowModel().rows;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const clampedFocus = Math.min(focusIndex, Math.max(0, rows.length - 1));

  // j/k anywhere on the page (not while typing) move the row focus.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      if (e.key !== 'j' && e.key !== 'k') return;
      if (rows.length === 0) return;
      e.preventDefault();
      const inTable = scrollRef.current?.contains(document.activeElement) ?? false;
      const from = inTable ? clampedFocus : e.key === 'j' ? -1 : rows.length;
      const next = Math.max(0, Math.min(rows.length - 1, from + (e.key === 'j' ? 1 : -1)));
      setFocusIndex(next);
      setFocusRequest(next);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [rows.length, clampedFocus]);

  // Focus the requested row once it is rendered (scrolling it into the window first if needed).
  const scrolledFor = useRef<number | null>(null);
  useEffect(() => {
    if (focusRequest === null) return;
    const row = scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${focusRequest}"]`);
    if (row) {
      row.focus();
      scrolledFor.current = null;
      setFocusRequest(null);
    } else if (scrolledFor.current !== focusRequest) {
      scrolledFor.current = focusRequest;
      virtualizer.scrollToIndex(focusRequest, { align: 'auto' });
    }
  });

  const items = virtualizer.getVirtualItems();
  const paddingTop = items.length > 0 ? items[0].start : 0;
  const paddingBottom = items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  const columnCount = table.getVisibleLeafColumns().length;
  const totalWidth = table.getVisibleLeafColumns().reduce((sum, c) => sum + c.getSize(), 0);

  return (
    <div className="traces-scroll" ref={scrollRef}>
      <table
        className="traces-table"
        aria-label="Traces"
        aria-rowcount={rows.length + 1}
        aria-busy={busy || undefined}
        style={{ width: totalWidth }}
      >
        <colgroup>
          {table.getVisibleLeafColumns().map((c) => (
            <col key={c.id} style={{ width: c.getSize() }} />
          ))}
        </colgroup>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => {
                const meta = header.column.columnDef.meta as TraceColumnMeta | undefined;
                const key = meta?.sortKey;
                const active = key !== undefined && key === sortBy;
                const label = flexRender(header.column.columnDef.header, header.getContext());
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={meta?.className}
                    aria-sort={key ? (active ? (sortOrder === 'asc' ? 'ascending' : 'descending') : 'none') : undefined}
                  >
                    {key ? (
                      <button type="button" className="sort-button" onClick={() => onSort(key)}>
                        {label}
                        <span aria-hidden="true" className="sort-mark">
                          {active ? (sortOrder === 'asc' ? ' ▲' : ' ▼') : ''}
                        </span>
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {paddingTop > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={columnCount} style={{ height: paddingTop }} />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rows[item.index];
            return (
              <TraceRow
                key={row.id}
                row={row}
                index={item.index}
                selected={selected.includes(row.original.id)}
                focusable={item.index === clampedFocus}
                onFocusIndex={setFocusIndex}
                onOpen={openStable}
                onToggleSelect={toggleStable}
              />
            );
          })}
          {paddingBottom > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={columnCount} style={{ height: paddingBottom }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

interface TraceRowProps {
  row: Row<TraceSummary>;
  index: number;
  selected: boolean;
  /** The row is the table's one tab stop. */
  focusable: boolean;
  onFocusIndex: (index: number) => void;
  onOpen: (id: string) => void;
  onToggleSelect: (id: string) => void;
}

/**
 * One trace row. Memoised: while the table scrolls, only the rows entering the window render
 * (the console bench's list scroll: 12 of 119 frames over 50 ms before, see bench figures).
 */
const TraceRow = memo(function TraceRow({
  row,
  index,
  selected,
  focusable,
  onFocusIndex,
  onOpen,
  onToggleSelect,
}: TraceRowProps) {
  const id = row.original.id;
  const rowClick = (e: MouseEvent) => {
    if ((e.target as HTMLElement).closest('a, button, input, label')) return;
    onOpen(id);
  };
  const rowKey = (e: KeyboardEvent) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      onOpen(id);
    } else if (e.key === ' ') {
      e.preventDefault();
      onToggleSelect(id);
    }
  };
  return (
    <tr
      data-index={index}
      aria-rowindex={index + 2}
      tabIndex={focusable ? 0 : -1}
      className={selected ? 'selected' : undefined}
      style={{ height: ROW_HEIGHT }}
      onFocus={(e) => {
        if (e.target === e.currentTarget) onFocusIndex(index);
      }}
      onClick={rowClick}
      onKeyDown={rowKey}
    >
      {row.getVisibleCells().map((cell) => {
        const meta = cell.column.columnDef.meta as TraceColumnMeta | undefined;
        return (
          <td key={cell.id} className={meta?.className}>
            {flexRender(cell.column.columnDef.cell, cell.getContext())}
          </td>
        );
      })}
    </tr>
  );
});

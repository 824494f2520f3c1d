import { flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import type { ColumnDef } from '@tanstack/react-table';
import { useEffect, useRef } from 'react';

/**
 * A plain table of rows with @tanstack/react-table: header from the column definitions, the
 * `selected` row marked (`aria-selected`) and scrolled into view, a click on a row selects it.
 * Cells are React nodes, so data is always rendered as text.
 */
export function DataTable<T>({
  label,
  rows,
  columns,
  selected = -1,
  onSelect,
  rowKey,
  numericColumns = [],
}: {
  /** Accessible name of the table. */
  label: string;
  rows: T[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<T, any>[];
  selected?: number;
  onSelect?: (index: number) => void;
  rowKey: (row: T) => string;
  /** Ids (accessor keys) of the columns holding numbers: right-aligned, tabular figures. */
  numericColumns?: readonly string[];
}) {
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), getRowId: rowKey });
  const body = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    if (selected < 0) return;
    const row = body.current?.children[selected];
    if (row instanceof HTMLElement && typeof row.scrollIntoView === 'function')
      row.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  return (
    <table className="crud-table" aria-label={label}>
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((header) => (
              <th key={header.id} scope="col" className={numericColumns.includes(header.column.id) ? 'num' : undefined}>
                {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
              </th>
            ))}
          </tr>
        ))}
      </thead>
      <tbody ref={body}>
        {table.getRowModel().rows.map((row, index) => (
          <tr
            key={row.id}
            aria-selected={index === selected}
            className={index === selected ? 'selected' : undefined}
            onClick={onSelect ? () => onSelect(index) : undefined}
          >
            {row.getVisibleCells().map((cell) => (
              <td key={cell.id} className={numericColumns.includes(cell.column.id) ? 'num' : undefined}>
                {flexRender(cell.column.columnDef.cell, cell.getContext())}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

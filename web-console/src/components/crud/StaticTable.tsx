import type { ReactNode } from 'react';

/**
 * A table of rows rendered by the caller (`children`: the `<tr>`s of the body) under one header
 * row of `columns` (`th scope="col"`); `numericColumns` names the headers of right-aligned
 * number columns. For lists without selection or keyboard (see DataTable for those).
 */
export function StaticTable({
  label,
  columns,
  numericColumns = [],
  className = 'crud-table',
  children,
}: {
  /** Accessible name of the table. */
  label: string;
  columns: readonly string[];
  numericColumns?: readonly string[];
  className?: string;
  children: ReactNode;
}) {
  return (
    <table className={className} aria-label={label}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col" className={numericColumns.includes(column) ? 'num' : undefined}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

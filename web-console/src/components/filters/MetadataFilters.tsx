import { useEffect, useId, useRef, useState } from 'react';
import type { StoredFilter } from '../../filters/filter';
import { DraftInput } from './DraftInput';
import { metadataRows, sameMetadata, withMetadataRows } from './filterEdit';
import type { MetadataRow } from './filterEdit';

export interface MetadataFiltersProps {
  value: StoredFilter;
  onChange: (next: StoredFilter) => void;
  /** Known metadata keys of the project (a picker beside free text); null or empty: free text only. */
  keys: readonly string[] | null | undefined;
}

/**
 * `metadata.<key>=<value>` rows: key (picked from the project's keys or typed), value, Remove;
 * "Add metadata filter" adds a row. Rows with a key and a value are applied; half-typed rows stay
 * in the panel only.
 */
export function MetadataFilters({ value, onChange, keys }: MetadataFiltersProps) {
  const listId = useId();
  const [rows, setRows] = useState<MetadataRow[]>(() => metadataRows(value));
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  // A new filter from outside (Clear filters, back button) replaces the rows unless it means the same.
  useEffect(() => {
    const current = withMetadataRows({}, rowsRef.current);
    if (!sameMetadata(current, value)) setRows(metadataRows(value));
  }, [value]);

  const apply = (next: MetadataRow[]) => {
    setRows(next);
    rowsRef.current = next;
    const filter = withMetadataRows(value, next);
    if (!sameMetadata(filter, value)) onChange(filter);
  };
  const edit = (index: number, change: Partial<MetadataRow>) =>
    apply(rowsRef.current.map((row, i) => (i === index ? { ...row, ...change } : row)));

  return (
    <div className="fp-metadata">
      {keys && keys.length > 0 ? (
        <datalist id={listId}>
          {keys.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
      ) : null}
      {rows.length === 0 ? <p className="hint">Match traces whose metadata has a key with exactly a value.</p> : null}
      {rows.map((row, index) => (
        <div className="fp-metadata-row" key={index}>
          <DraftInput
            type="text"
            aria-label={`Metadata key ${index + 1}`}
            placeholder="key"
            list={keys && keys.length > 0 ? listId : undefined}
            value={row.key}
            onCommit={(text) => edit(index, { key: text })}
          />
          <span aria-hidden="true">=</span>
          <DraftInput
            type="text"
            aria-label={`Metadata value ${index + 1}`}
            placeholder="value"
            value={row.value}
            onCommit={(text) => edit(index, { value: text })}
          />
          <button
            type="button"
            aria-label={`Remove metadata filter ${index + 1}`}
            title="Remove"
            onClick={() => apply(rowsRef.current.filter((_, i) => i !== index))}
          >
            ✕
          </button>
        </div>
      ))}
      <button type="button" onClick={() => setRows([...rowsRef.current, { key: '', value: '' }])}>
        Add metadata filter
      </button>
    </div>
  );
}

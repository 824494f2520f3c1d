import type { StoredFilter } from '../../filters/filter';

/**
 * The filter panel: edits a trace filter (docs/api.md "Filters"). The traces list keeps its value
 * in the URL; rule, queue and trace-set forms keep it in their form state. Placeholder: a real
 * panel replaces it.
 */
export interface FilterPanelProps {
  /** The filter being edited: parameter name to values. */
  value: StoredFilter;
  /** Called with the whole new filter after each change. */
  onChange: (next: StoredFilter) => void;
  /** Accessible name of the panel (`Filters`, `Rule filter`). */
  label?: string;
}

export function FilterPanel({ value, label = 'Filters' }: FilterPanelProps) {
  return (
    <section aria-label={label}>
      <pre>{JSON.stringify(value)}</pre>
    </section>
  );
}

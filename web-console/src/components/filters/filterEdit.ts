/**
 * Pure edits of a {@link StoredFilter} for the filter panel: set or drop a parameter, metadata
 * rows, list text, and `datetime-local` <-> RFC 3339 conversion.
 */
import { METADATA_PREFIX } from '../../filters/filter';
import type { StoredFilter } from '../../filters/filter';

/** The filter with `name` set to `values` (empty strings dropped); the parameter is removed when none is left. */
export function withParam(filter: StoredFilter, name: string, values: readonly string[]): StoredFilter {
  const kept = values.map((v) => v.trim()).filter((v) => v !== '');
  const next: StoredFilter = { ...filter };
  if (kept.length === 0) delete next[name];
  else next[name] = kept;
  return next;
}

/** The first value of a parameter, or `''`. */
export function firstValue(filter: StoredFilter, name: string): string {
  return filter[name]?.[0] ?? '';
}

/** Values typed as a list: separated by commas or new lines, trimmed, empty ones dropped. */
export function parseList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A list of values as the text of a list input (`a, b`). */
export function formatList(values: readonly string[] | undefined): string {
  return (values ?? []).join(', ');
}

/** One `metadata.<key>=<value>` row of the panel (key or value may still be empty while edited). */
export interface MetadataRow {
  key: string;
  value: string;
}

/** The filter's `metadata.<key>` parameters as rows, in the filter's order. */
export function metadataRows(filter: StoredFilter): MetadataRow[] {
  return Object.entries(filter)
    .filter(([name]) => name.startsWith(METADATA_PREFIX) && name.length > METADATA_PREFIX.length)
    .map(([name, values]) => ({ key: name.slice(METADATA_PREFIX.length), value: values[0] ?? '' }));
}

/**
 * The filter with its `metadata.<key>` parameters replaced by the complete rows (key and value
 * both given, trimmed); a key given twice keeps its last value (the API takes one value per key).
 */
export function withMetadataRows(filter: StoredFilter, rows: readonly MetadataRow[]): StoredFilter {
  const next: StoredFilter = {};
  for (const [name, values] of Object.entries(filter)) {
    if (!name.startsWith(METADATA_PREFIX)) next[name] = values;
  }
  for (const row of rows) {
    const key = row.key.trim();
    const value = row.value.trim();
    if (key !== '' && value !== '') next[METADATA_PREFIX + key] = [value];
  }
  return next;
}

/** Same metadata parameters (order aside)? */
export function sameMetadata(a: StoredFilter, b: StoredFilter): boolean {
  const key = (f: StoredFilter) =>
    metadataRows(f)
      .map((r) => `${r.key}\u0000${r.value}`)
      .sort()
      .join('\u0001');
  return key(a) === key(b);
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/**
 * An RFC 3339 instant for a `datetime-local` value (`2026-11-21T09:30` or with seconds), read in
 * the browser's time zone and written with its offset (`2026-11-21T09:30:00+01:00`); `''` for an
 * empty or unreadable value.
 */
export function localInputToRfc3339(local: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(local)) return '';
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return '';
  const offsetMinutes = -d.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const offset = `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${offset}`
  );
}

/** The `datetime-local` value (browser's zone, to the second) of an RFC 3339 instant; `''` if unreadable. */
export function rfc3339ToLocalInput(value: string): string {
  if (value === '') return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

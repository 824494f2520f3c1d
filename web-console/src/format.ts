/**
 * Human units for the console's numbers and times, with the exact value for a `title` (hover).
 * Inputs are the API's units: nanoseconds, microcents (1 USD = 100,000,000), token counts,
 * epoch nanoseconds or milliseconds.
 */

const NANOS_PER_MILLI = 1_000_000;
const MICROCENTS_PER_USD = 100_000_000;

/** `850 µs`, `12.3 ms`, `4.56 s`, `3m 05s`; `–` for null. */
export function formatDuration(nanos: number | null | undefined): string {
  if (nanos === null || nanos === undefined) return '–';
  if (nanos < 1_000) return `${Math.round(nanos)} ns`;
  if (nanos < NANOS_PER_MILLI) return `${trim(nanos / 1_000)} µs`;
  if (nanos < 1_000 * NANOS_PER_MILLI) return `${trim(nanos / NANOS_PER_MILLI)} ms`;
  const seconds = nanos / 1e9;
  if (seconds < 60) return `${trim(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Three significant digits, no trailing zeros: 12.3, 4.56, 850. */
function trim(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/** `$0.004213` (4 significant digits, at least 2 decimals); `–` for null. */
export function formatCost(microcents: number | null | undefined): string {
  if (microcents === null || microcents === undefined) return '–';
  const usd = microcents / MICROCENTS_PER_USD;
  if (usd === 0) return '$0';
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(4)).toString()}`;
}

/** Exact cost for hover: `$0.00421300 (421300 microcents)`. */
export function exactCost(microcents: number | null | undefined): string {
  if (microcents === null || microcents === undefined) return 'no cost';
  return `$${(microcents / MICROCENTS_PER_USD).toFixed(8)} (${microcents} microcents)`;
}

/** `950`, `1.2k`, `3.4M`; `–` for null. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (Math.abs(value) < 1_000) return String(value);
  if (Math.abs(value) < 1_000_000) return `${trim(value / 1_000)}k`;
  return `${trim(value / 1_000_000)}M`;
}

/** Local date and time (the browser's zone), to the second. */
export function formatTime(epochNanos: number | null | undefined): string {
  if (epochNanos === null || epochNanos === undefined) return '–';
  return formatMillis(epochNanos / NANOS_PER_MILLI);
}

export function formatMillis(epochMillis: number | null | undefined): string {
  if (epochMillis === null || epochMillis === undefined) return '–';
  const d = new Date(epochMillis);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** UTC value for hover: ISO 8601 with milliseconds. */
export function utcTime(epochNanos: number | null | undefined): string {
  if (epochNanos === null || epochNanos === undefined) return '';
  return new Date(epochNanos / NANOS_PER_MILLI).toISOString();
}

export function utcMillis(epochMillis: number | null | undefined): string {
  if (epochMillis === null || epochMillis === undefined) return '';
  return new Date(epochMillis).toISOString();
}

/** The waterfall's time axis: a window [start, end] in epoch nanoseconds over the trace. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** A bar on the axis, as fractions (0..1) of the window's width; `visible` false when outside. */
export interface Bar {
  left: number;
  width: number;
  visible: boolean;
}

/** Smallest window width, in nanoseconds (zooming stops at 1 µs). */
export const MIN_WINDOW_NANOS = 1_000;

/**
 * Where a span from `start` to `end` (epoch ns) falls in `window`: clipped to the window, so a
 * span reaching past either edge fills to that edge.
 */
export function barPosition(start: number, end: number, window: TimeWindow): Bar {
  const range = Math.max(window.end - window.start, 1);
  const from = Math.max(start, window.start);
  const to = Math.min(Math.max(end, start), window.end);
  if (to < from || start > window.end || Math.max(end, start) < window.start) {
    return { left: start > window.end ? 1 : 0, width: 0, visible: false };
  }
  return { left: (from - window.start) / range, width: (to - from) / range, visible: true };
}

/** The window zoomed by `factor` (< 1 zooms in) around its centre, kept inside `full`. */
export function zoomWindow(window: TimeWindow, factor: number, full: TimeWindow): TimeWindow {
  const centre = (window.start + window.end) / 2;
  const fullRange = Math.max(full.end - full.start, MIN_WINDOW_NANOS);
  const range = Math.min(Math.max((window.end - window.start) * factor, MIN_WINDOW_NANOS), fullRange);
  return clampWindow({ start: centre - range / 2, end: centre + range / 2 }, full);
}

/** The window showing `[start, end]` with 5% margin each side, at least {@link MIN_WINDOW_NANOS}. */
export function windowAround(start: number, end: number, full: TimeWindow): TimeWindow {
  let range = Math.max(end - start, 0);
  const margin = range * 0.05;
  let from = start - margin;
  range = Math.max(range + 2 * margin, MIN_WINDOW_NANOS);
  if (end - start < MIN_WINDOW_NANOS) from = (start + end) / 2 - range / 2;
  return clampWindow({ start: from, end: from + range }, full);
}

function clampWindow(window: TimeWindow, full: TimeWindow): TimeWindow {
  const range = window.end - window.start;
  if (range >= full.end - full.start)
    return { start: Math.min(window.start, full.start), end: Math.max(window.end, full.end) };
  let start = Math.max(window.start, full.start);
  if (start + range > full.end) start = full.end - range;
  return { start, end: start + range };
}

/** A ruler tick: its position (0..1 of the window) and its offset from the trace start (ns). */
export interface Tick {
  position: number;
  offsetNanos: number;
}

/**
 * Ticks at a round step (1, 2 or 5 × 10^k ns) giving about `target` ticks in the window; offsets
 * count from `origin` (the trace start), so labels read "+1.5 s" whatever the zoom.
 */
export function ticks(window: TimeWindow, origin: number, target = 6): Tick[] {
  const range = window.end - window.start;
  if (!(range > 0)) return [{ position: 0, offsetNanos: window.start - origin }];
  const rough = range / Math.max(target, 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const out: Tick[] = [];
  const first = Math.ceil((window.start - origin) / step) * step;
  for (let offset = first; origin + offset <= window.end + step * 1e-9 && out.length < 100; offset += step) {
    out.push({ position: (origin + offset - window.start) / range, offsetNanos: offset });
  }
  return out;
}

import { describe, expect, it } from 'vitest';
import { barPosition, ticks, windowAround, zoomWindow } from './timeAxis';

const full = { start: 1_000_000, end: 2_000_000 };

describe('time axis', () => {
  it('places bars as fractions of the window', () => {
    expect(barPosition(1_000_000, 2_000_000, full)).toEqual({ left: 0, width: 1, visible: true });
    expect(barPosition(1_250_000, 1_500_000, full)).toEqual({ left: 0.25, width: 0.25, visible: true });
  });

  it('clips bars to a zoomed window and hides those outside', () => {
    const zoomed = { start: 1_400_000, end: 1_600_000 };
    const clipped = barPosition(1_300_000, 1_500_000, zoomed);
    expect(clipped.left).toBe(0);
    expect(clipped.width).toBeCloseTo(0.5);
    expect(barPosition(1_700_000, 1_800_000, zoomed).visible).toBe(false);
    expect(barPosition(1_000_000, 1_100_000, zoomed).visible).toBe(false);
  });

  it('zooms around the centre, stays inside the trace and stops at the whole trace', () => {
    expect(zoomWindow(full, 0.5, full)).toEqual({ start: 1_250_000, end: 1_750_000 });
    expect(zoomWindow({ start: 1_250_000, end: 1_750_000 }, 4, full)).toEqual(full);
    const nearEnd = zoomWindow({ start: 1_900_000, end: 2_000_000 }, 1.5, full);
    expect(nearEnd.end).toBe(2_000_000);
    expect(nearEnd.end - nearEnd.start).toBeCloseTo(150_000);
  });

  it('zooms to a span with a margin', () => {
    const w = windowAround(1_400_000, 1_500_000, full);
    expect(w.start).toBeCloseTo(1_395_000);
    expect(w.end).toBeCloseTo(1_505_000);
    expect(barPosition(1_400_000, 1_500_000, w).width).toBeGreaterThan(0.9);
  });

  it('ticks at round steps counted from the trace start', () => {
    const t = ticks(full, full.start, 5);
    expect(t.map((x) => x.offsetNanos)).toEqual([0, 200_000, 400_000, 600_000, 800_000, 1_000_000]);
    expect(t[1].position).toBeCloseTo(0.2);
    const zoomedTicks = ticks({ start: 1_450_000, end: 1_550_000 }, full.start, 5);
    expect(zoomedTicks[0].offsetNanos).toBe(460_000);
    expect(zoomedTicks[0].position).toBeCloseTo(0.1);
  });
});

import { describe, expect, it } from 'vitest';
import { exactCost, formatCost, formatCount, formatDuration } from './format';

describe('human units', () => {
  it('durations scale from nanoseconds to hours', () => {
    expect(formatDuration(850)).toBe('850 ns');
    expect(formatDuration(12_300_000)).toBe('12.3 ms');
    expect(formatDuration(4_560_000_000)).toBe('4.56 s');
    expect(formatDuration(185_000_000_000)).toBe('3m 05s');
    expect(formatDuration(null)).toBe('–');
  });

  it('costs are dollars from microcents with the exact value for hover', () => {
    expect(formatCost(421_300)).toBe('$0.004213');
    expect(formatCost(250_000_000)).toBe('$2.50');
    expect(formatCost(0)).toBe('$0');
    expect(exactCost(421_300)).toBe('$0.00421300 (421300 microcents)');
  });

  it('token counts abbreviate thousands', () => {
    expect(formatCount(950)).toBe('950');
    expect(formatCount(1234)).toBe('1.23k');
    expect(formatCount(3_400_000)).toBe('3.4M');
  });
});

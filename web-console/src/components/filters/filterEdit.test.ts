import { describe, expect, it } from 'vitest';
import {
  localInputToRfc3339,
  metadataRows,
  parseList,
  rfc3339ToLocalInput,
  sameMetadata,
  withMetadataRows,
  withParam,
} from './filterEdit';

describe('withParam', () => {
  it('sets trimmed values and drops the parameter when none is left', () => {
    expect(withParam({ a: ['1'] }, 'b', [' x ', ''])).toEqual({ a: ['1'], b: ['x'] });
    expect(withParam({ a: ['1'], b: ['x'] }, 'b', [''])).toEqual({ a: ['1'] });
  });
});

describe('parseList', () => {
  it('splits on commas and new lines', () => {
    expect(parseList('a, b,,\nc ')).toEqual(['a', 'b', 'c']);
  });
});

describe('metadata rows', () => {
  it('reads metadata.<key> parameters as rows', () => {
    expect(metadataRows({ status: ['OK'], 'metadata.env': ['prod'], 'metadata.': ['x'] })).toEqual([
      { key: 'env', value: 'prod' },
    ]);
  });

  it('writes complete rows only, keeping other parameters and replacing old metadata', () => {
    const next = withMetadataRows({ status: ['OK'], 'metadata.old': ['1'] }, [
      { key: ' env ', value: 'prod' },
      { key: 'half', value: '' },
      { key: 'env', value: 'staging' },
    ]);
    expect(next).toEqual({ status: ['OK'], 'metadata.env': ['staging'] });
  });

  it('compares metadata regardless of order', () => {
    expect(
      sameMetadata({ 'metadata.a': ['1'], 'metadata.b': ['2'] }, { 'metadata.b': ['2'], 'metadata.a': ['1'] }),
    ).toBe(true);
    expect(sameMetadata({ 'metadata.a': ['1'] }, { 'metadata.a': ['2'] })).toBe(false);
  });
});

describe('datetime-local <-> RFC 3339', () => {
  it('writes the local time with the browser offset, the same instant', () => {
    const rfc = localInputToRfc3339('2026-11-21T09:30');
    expect(rfc).toMatch(/^2026-11-21T09:30:00[+-]\d{2}:\d{2}$/);
    expect(new Date(rfc).getTime()).toBe(new Date('2026-11-21T09:30').getTime());
  });

  it('reads an instant back as the local input value', () => {
    const rfc = localInputToRfc3339('2026-03-05T23:59:58');
    expect(rfc3339ToLocalInput(rfc)).toBe('2026-03-05T23:59:58');
    expect(rfc3339ToLocalInput('2026-11-21T09:30:00Z')).toBe(
      localInputToRfc3339Inverse(new Date('2026-11-21T09:30:00Z')),
    );
  });

  it('gives empty for empty or unreadable values', () => {
    expect(localInputToRfc3339('')).toBe('');
    expect(localInputToRfc3339('soon')).toBe('');
    expect(rfc3339ToLocalInput('soon')).toBe('');
  });
});

function localInputToRfc3339Inverse(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

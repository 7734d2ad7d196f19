import { describe, expect, it } from 'vitest';
import { duration, localInput, seconds } from './calls';

describe('duration', () => {
  it.each([
    [0, '0:00'],
    [5, '0:05'],
    [125, '2:05'],
    [3599, '59:59'],
    [3600, '1:00:00'],
    [3725, '1:02:05'],
    [86400, '24:00:00'],
  ])('%d seconds read %s', (s, want) => {
    expect(duration(s)).toBe(want);
  });
});

describe('the log form', () => {
  it('reads minutes and seconds as seconds', () => {
    expect(seconds('2', '5')).toBe(125);
    expect(seconds('', '')).toBe(0);
    expect(seconds(61, 0)).toBe(3660);
  });
  it('shows a time as the datetime-local input takes it', () => {
    expect(localInput(new Date(2026, 2, 1, 9, 5, 30))).toBe('2026-03-01T09:05');
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Timers } from './timers';

describe('Timers', () => {
  let gone: number[];
  let timers: Timers;
  beforeEach(() => {
    vi.useFakeTimers();
    gone = [];
    timers = new Timers((id) => gone.push(id), 3000);
  });
  afterEach(() => vi.useRealTimers());

  it('dismisses after its time', () => {
    timers.start(1, 10_000);
    vi.advanceTimersByTime(9_999);
    expect(gone).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(gone).toEqual([1]);
  });

  it('keeps what someone holds, however long, then gives the rest of its time', () => {
    timers.start(1, 10_000);
    vi.advanceTimersByTime(4_000);
    timers.hold(1);
    vi.advanceTimersByTime(60_000);
    expect(gone).toEqual([]);
    timers.release(1);
    vi.advanceTimersByTime(5_999);
    expect(gone).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(gone).toEqual([1]);
  });

  it('gives a thing held at its last moment a little time back', () => {
    timers.start(1, 10_000);
    vi.advanceTimersByTime(9_900);
    timers.hold(1);
    timers.release(1);
    vi.advanceTimersByTime(2_999);
    expect(gone).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(gone).toEqual([1]);
  });

  it('forgets what is stopped', () => {
    timers.start(1, 1_000);
    timers.stop(1);
    vi.advanceTimersByTime(5_000);
    timers.release(1);
    expect(gone).toEqual([]);
  });
});

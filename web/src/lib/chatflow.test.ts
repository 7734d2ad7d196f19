import { describe, expect, it } from 'vitest';
import { body, draft, move } from './chatflow';

describe('chat flow drafts', () => {
  it('a new flow is on, for everyone, everywhere, always open', () => {
    const d = draft(undefined, 'Europe/Paris');
    expect(d).toMatchObject({ enabled: true, audience: 'everyone', targeting: [], availability: { mode: 'always' }, zone: 'Europe/Paris' });
    const b = body({ ...d, name: 'Home' });
    expect(b.availability?.schedule).toBeUndefined();
    expect(b.heading?.kind).toBeUndefined();
    expect(b.language).toBeUndefined();
  });

  it('keeps business hours as a week in a zone and gives them back', () => {
    const d = draft({
      id: 4,
      name: 'Hours',
      availability: { mode: 'hours', schedule: { time_zone: 'America/New_York', hours: [{ day: 'friday', from: '09:00', to: '24:00' }] } },
    });
    expect(d.zone).toBe('America/New_York');
    expect(d.week[4]).toEqual([{ from: '09:00', to: '00:00' }]);
    expect(body(d).availability?.schedule).toEqual({ time_zone: 'America/New_York', hours: [{ day: 'friday', from: '09:00', to: '24:00' }] });
    expect(body(d).id).toBe(4);
  });

  it('a draft is a copy: editing it leaves the flow alone', () => {
    const f = { id: 1, name: 'F', targeting: [[{ field: 'url' as const, op: 'is' as const, value: 'x' }]] };
    const d = draft(f);
    d.targeting[0][0].value = 'y';
    expect(f.targeting[0][0].value).toBe('x');
  });

  it.each([
    [[1, 2, 3], 0, -1, null],
    [[1, 2, 3], 0, 1, [2, 1, 3]],
    [[1, 2, 3], 2, 1, null],
    [[1, 2, 3], 2, -1, [1, 3, 2]],
  ] as const)('move(%o, %i, %i)', (ids, i, step, want) => {
    expect(move([...ids], i, step)).toEqual(want);
  });
});

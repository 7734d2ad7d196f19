import { describe, expect, it } from 'vitest';
import { dayName, fromApi, invalidSpan, toApi, zones } from './schedule';

describe('schedule', () => {
  it('spreads hours over the week and back, the end of the day shown as 00:00', () => {
    const hours = [
      { day: 'monday' as const, from: '09:00', to: '12:00' },
      { day: 'monday' as const, from: '14:00', to: '18:00' },
      { day: 'sunday' as const, from: '20:00', to: '24:00' },
    ];
    const week = fromApi(hours);
    expect(week[0]).toEqual([
      { from: '09:00', to: '12:00' },
      { from: '14:00', to: '18:00' },
    ]);
    expect(week[6]).toEqual([{ from: '20:00', to: '00:00' }]);
    expect(week[3]).toEqual([]);
    expect(toApi(week)).toEqual(hours);
  });

  it.each([
    [{ from: '09:00', to: '17:00' }, false],
    [{ from: '17:00', to: '09:00' }, true],
    [{ from: '09:00', to: '09:00' }, true],
    [{ from: '22:00', to: '00:00' }, false],
    [{ from: '', to: '10:00' }, true],
  ])('%o ends before it starts: %s', (span, want) => {
    expect(invalidSpan(span)).toBe(want);
  });

  it('names days in the language, Monday first', () => {
    expect(dayName(0, 'en')).toBe('Monday');
    expect(dayName(6, 'fr')).toBe('dimanche');
  });

  it('keeps a zone the browser does not list', () => {
    expect(zones('Mars/Olympus')[0]).toBe('Mars/Olympus');
    expect(zones('UTC')).toContain('UTC');
  });
});

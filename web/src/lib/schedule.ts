import type { components } from './api/schema';

/** A working week as the profile edits it: per day, Monday first, its spans. */
export type Span = { from: string; to: string };
export type Week = Span[][];
type Hours = components['schemas']['Hours'];

/** days are the API's day names, Monday first. */
export const days = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** dayName is day i (Monday = 0) in the locale's words. */
export function dayName(i: number, locale: string): string {
  // 5 January 2026 is a Monday.
  return new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2026, 0, 5 + i));
}

/**
 * fromApi spreads the API's hours over the week. A time input cannot show
 * 24:00: the end of the day is 00:00 there.
 */
export function fromApi(hours: Hours[]): Week {
  const week: Week = days.map(() => []);
  for (const h of hours) {
    const i = days.indexOf(h.day);
    if (i >= 0) week[i].push({ from: h.from, to: h.to === '24:00' ? '00:00' : h.to });
  }
  return week;
}

/** toApi is the week as the API takes it; a span ending at 00:00 runs to the end of its day. */
export function toApi(week: Week): Hours[] {
  return week.flatMap((spans, i) => spans.map((s) => ({ day: days[i], from: s.from, to: s.to === '00:00' ? '24:00' : s.to })));
}

/** invalidSpan says whether a span ends before it starts (00:00 as an end is midnight, after everything). */
export function invalidSpan(s: Span): boolean {
  const end = s.to === '00:00' ? '24:00' : s.to;
  return !s.from || !s.to || end <= s.from;
}

/** zones lists the time zones to choose from, with the current one kept if the browser lacks it. */
export function zones(current: string): string[] {
  const all: string[] = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const list = all.includes('UTC') ? [...all] : [...all, 'UTC'];
  if (current && !list.includes(current)) list.unshift(current);
  return list;
}

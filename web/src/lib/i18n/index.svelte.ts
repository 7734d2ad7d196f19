// The message catalogue (SPEC PLT-6): every string the app shows comes from
// here. en.ts is the reference; fr.ts must have every key (the type system
// and i18n.test.ts both check it).
import { en, type Key, type Message } from './en';
import { fr } from './fr';

export type { Key };
export const catalogues: Record<Locale, Record<Key, Message>> = { en, fr };
export type Locale = 'en' | 'fr';
export const locales: Locale[] = ['en', 'fr'];

function detect(): Locale {
  const saved = globalThis.localStorage?.getItem('parley.locale');
  if (saved === 'en' || saved === 'fr') return saved;
  for (const l of globalThis.navigator?.languages ?? []) {
    const base = l.slice(0, 2).toLowerCase();
    if (base === 'en' || base === 'fr') return base;
  }
  return 'en';
}

let current = $state<Locale>(detect());
let changed: (l: Locale) => void = () => {};

/** onLocaleChange registers what happens when the user picks a language. */
export function onLocaleChange(fn: (l: Locale) => void) {
  changed = fn;
}

/** chosen says whether the user picked the language on this device. */
export function chosen(): boolean {
  const saved = globalThis.localStorage?.getItem('parley.locale');
  return saved === 'en' || saved === 'fr';
}

/** locale is the language the app speaks; setting it is remembered. */
export const i18n = {
  get locale(): Locale {
    return current;
  },
  set locale(l: Locale) {
    current = l;
    globalThis.localStorage?.setItem('parley.locale', l);
    if (globalThis.document) document.documentElement.lang = l;
    changed(l);
  },
};

/** t returns the message for key in the current locale, with {name} filled. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return format(current, key, vars);
}

export function format(locale: Locale, key: Key, vars: Record<string, string | number> = {}): string {
  let m = catalogues[locale][key] ?? en[key];
  if (typeof m !== 'string') {
    const n = Number(vars.count ?? 0);
    const rule = new Intl.PluralRules(locale).select(n);
    m = (rule === 'one' ? m.one : m.other) ?? m.other;
  }
  return m.replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all));
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

/** ago says how long ago a time was, the locale's way ("5 min ago", "il y a 5 min"). */
export function ago(iso: string | Date, now = Date.now(), locale: Locale = current): string {
  const secs = (new Date(iso).getTime() - now) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  for (const [unit, size] of units) {
    if (Math.abs(secs) >= size) return rtf.format(Math.round(secs / size), unit);
  }
  return format(locale, 'time.now');
}

/** when is a time for a list: the hour today, the day this year, the date before. */
export function when(iso: string, now = new Date(), locale: Locale = current): string {
  const d = new Date(iso);
  if (d.toDateString() === now.toDateString()) {
    return d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  }
  if (d.getFullYear() === now.getFullYear()) {
    return d.toLocaleDateString(locale, { day: 'numeric', month: 'short' });
  }
  return d.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** fullTime is a complete date and time, for a tooltip or a timeline entry. */
export function fullTime(iso: string, locale: Locale = current): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** money writes an amount ("12500.5") in a currency (ISO 4217) as the locale does: €12,500.50, 12 500,50 €. */
export function money(amount: string, currency: string, locale: Locale = current): string {
  const n = Number(amount);
  if (!Number.isFinite(n)) return amount;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(n);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** day writes a date (YYYY-MM-DD) as the locale does: 31 Jan 2027, 31 janv. 2027. */
export function day(date: string, locale: Locale = current): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return d.toLocaleDateString(locale, { dateStyle: 'medium', timeZone: 'UTC' });
}

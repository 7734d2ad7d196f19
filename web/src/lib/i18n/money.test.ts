import { describe, expect, it } from 'vitest';
import { day, money } from './index.svelte';

// Amounts and close dates of deals read as each language writes them.
describe('money and day', () => {
  it.each([
    ['12500.5', 'EUR', 'en', '€12,500.50'],
    ['12500.5', 'EUR', 'fr', '12\u202f500,50\u00a0€'],
    ['99', 'USD', 'en', '$99.00'],
    ['7', 'JPY', 'fr', '7\u00a0JPY'],
    ['abc', 'EUR', 'en', 'abc'],
  ] as const)('%s %s in %s', (amount, currency, locale, want) => {
    expect(money(amount, currency, locale)).toBe(want);
  });
  it('writes a date without moving it by the time zone', () => {
    expect(day('2027-01-31', 'en')).toBe('Jan 31, 2027');
    expect(day('2027-01-31', 'fr')).toBe('31 janv. 2027');
    expect(day('soon', 'en')).toBe('soon');
  });
});

import { describe, expect, it } from 'vitest';
import { lang, words } from './i18n';

describe('the widget speaks the visitor language', () => {
  it.each([
    [['fr-CA', 'en'], 'fr'],
    [['de-DE', 'fr'], 'fr'],
    [['en-GB'], 'en'],
    [['de-DE'], 'en'],
    [[], 'en'],
  ])('%o → %s', (languages, want) => {
    expect(lang(languages)).toBe(want);
  });

  it('has every word in French, filled in', () => {
    const en = words('en');
    const fr = words('fr');
    for (const key of ['title', 'close', 'placeholder', 'send', 'sending', 'failed', 'retry', 'offline', 'reconnecting', 'you', 'empty', 'attach', 'file.too_large', 'emailTitle', 'emailAsk', 'emailSend', 'emailBad', 'consentTitle', 'agree', 'away', 'reply.minutes', 'reply.hours', 'reply.day', 'error.channel_off', 'error.rate_limited', 'bot', 'choices', 'articles', 'answered', 'talk']) {
      expect(fr(key), key).not.toBe(en(key));
      expect(fr(key), key).not.toBe(key);
    }
    expect(fr('typing', { name: 'Ana' })).toBe('Ana écrit…');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.svelte';
import { explain, reasonOf } from './problem';

afterEach(() => (i18n.locale = 'en'));

describe('explain', () => {
  it.each([
    ['a reason the catalogue knows', 400, 'no_contact', 'conversation', 'Cette conversation n’a pas de contact à qui écrire : ajoutez-en un dans le panneau du contact.'],
    ['a reason it does not know, with a field', 400, 'brand_new', 'cc[0].email', 'Vérifiez « cc[0].email » : Parley n’a pas pu l’accepter.'],
    ['a field the catalogue names', 400, '', 'to', 'Vérifiez « À » : Parley n’a pas pu l’accepter.'],
    ['not found, by its status', 404, '', undefined, 'Cet élément n’existe plus, ou vous n’y avez pas accès.'],
    ['too many attempts', 429, '', undefined, 'Trop de tentatives. Patientez un instant, puis réessayez.'],
    ['a status without words of its own', 502, '', undefined, 'Le serveur a rencontré une erreur. Réessayez ; si cela se reproduit, prévenez votre administrateur.'],
  ])('%s, in French', (_, status, reason, field, want) => {
    i18n.locale = 'fr';
    expect(explain(status, reason, field)).toBe(want);
  });

  it('reads the reason from the problem type, and nothing else', () => {
    expect(reasonOf({ type: 'urn:parley:problem:no_contact' })).toBe('no_contact');
    expect(reasonOf({ type: 'about:blank' })).toBe('');
    expect(reasonOf({ type: 'urn:parley:problem:x"><script>' })).toBe('');
    expect(reasonOf({})).toBe('');
  });
});

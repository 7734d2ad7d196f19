// What a person reads when the server refuses: the catalogue's words, in the
// app's language (SPEC PLT-6), never the server's English. The server names
// the problem (its RFC 9457 type, urn:parley:problem:<reason>) and the field
// at fault; its own words stay available as the technical detail.
import { en, type Key } from '../i18n/en';
import { t } from '../i18n/index.svelte';

export type Problem = {
  type?: string;
  detail?: string;
  title?: string;
  errors?: { location?: string; message?: string }[] | null;
};

const byStatus: Record<number, Key> = {
  400: 'error.invalid',
  401: 'error.unauthorized',
  403: 'error.forbidden',
  404: 'error.notFound',
  409: 'error.conflict',
  413: 'error.tooLarge',
  429: 'error.rateLimited',
  503: 'error.unavailable',
};

/** reasonOf is the problem's reason: "no_contact" for urn:parley:problem:no_contact. */
export function reasonOf(p: Problem): string {
  const m = /^urn:parley:problem:([a-z_]+)$/.exec(p.type ?? '');
  return m ? m[1] : '';
}

/** explain says what went wrong in the catalogue's words. */
export function explain(status: number, reason: string, field: string | undefined, vars: Record<string, string> = {}): string {
  const key = `error.${reason}`;
  if (reason && key in en) return t(key as Key, vars);
  if (field && status === 400) return t('error.field', { field: fieldName(field) });
  return t(byStatus[status] ?? 'error.internal');
}

/** fieldName is the catalogue's name of a field the server named, or the field as sent. */
function fieldName(field: string): string {
  const key = `field.${field.replace(/\[\d+\]/g, '')}`;
  return key in en ? t(key as Key) : field;
}

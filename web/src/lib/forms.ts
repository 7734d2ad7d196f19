// Forms (SPEC CHN-7): what the settings screen needs besides the API — a
// field's key from its label, and the HTML snippet a site pastes.

export type FormField = { key: string; label: string; type: string; required?: boolean; options?: string[] };
export type FormConfig = {
  fields?: FormField[];
  allowed_origins?: string[];
  locale?: 'en' | 'fr';
  intro?: string;
  thanks?: string;
  thanks_url?: string;
};
/** A field as the settings edit it: options one per line, keyed once the admin set its key. */
export type FormFieldDraft = { key: string; label: string; type: string; required: boolean; options: string; keyed: boolean };

/**
 * fieldKey makes a field's key from its label: lower-case letters, digits
 * and _, starting with a letter, unique among taken (name and email are
 * every form's own).
 */
export function fieldKey(label: string, taken: string[]): string {
  let key = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 36);
  if (!/^[a-z]/.test(key)) key = key ? `f_${key}` : 'field';
  const used = new Set([...taken, 'name', 'email']);
  let out = key;
  for (let n = 2; used.has(out); n++) out = `${key}_${n}`;
  return out;
}

// The snippet's words are the form's language, not the admin's.
const words = {
  en: { name: 'Your name', email: 'Your email', send: 'Send', choose: 'Choose…' },
  fr: { name: 'Votre nom', email: 'Votre e-mail', send: 'Envoyer', choose: 'Choisir…' },
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * formSnippet is a plain HTML form a site can style as its own: it posts to
 * Parley, which answers with its thank-you page (or the form's thank-you
 * address), or with the errors beside their fields. The hidden _hp field
 * catches bots.
 */
export function formSnippet(origin: string, key: string, cfg: FormConfig): string {
  const w = words[cfg.locale === 'fr' ? 'fr' : 'en'];
  const input = (f: FormField) => {
    const id = `parley-${esc(f.key)}`;
    const req = f.required ? ' required' : '';
    switch (f.type) {
      case 'textarea':
        return `<textarea id="${id}" name="${esc(f.key)}"${req}></textarea>`;
      case 'select':
        return `<select id="${id}" name="${esc(f.key)}"${req}><option value="">${w.choose}</option>${(f.options ?? []).map((o) => `<option>${esc(o)}</option>`).join('')}</select>`;
      case 'checkbox':
        return `<input type="checkbox" id="${id}" name="${esc(f.key)}" value="yes"${req}>`;
      default: {
        const type = f.type === 'phone' ? 'tel' : f.type === 'email' ? 'email' : 'text';
        return `<input type="${type}" id="${id}" name="${esc(f.key)}"${req}>`;
      }
    }
  };
  const fields: FormField[] = [{ key: 'name', label: w.name, type: 'text' }, { key: 'email', label: w.email, type: 'email', required: true }, ...(cfg.fields ?? [])];
  const lines = fields.map((f) =>
    f.type === 'checkbox'
      ? `  <p><label>${input(f)} ${esc(f.label)}</label></p>`
      : `  <p><label for="parley-${esc(f.key)}">${esc(f.label)}</label><br>${input(f)}</p>`,
  );
  return [
    `<form action="${origin}/f/${key}" method="post" accept-charset="utf-8">`,
    ...lines,
    `  <input name="_hp" tabindex="-1" autocomplete="off" aria-hidden="true" style="position:absolute;left:-10000px">`,
    `  <button type="submit">${w.send}</button>`,
    `</form>`,
  ].join('\n');
}

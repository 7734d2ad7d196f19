// Contact and agent tokens in templates and snippets (SPEC CMP-2), filled
// in when inserted so the agent sees exactly what will be sent. A token
// with no value (an unknown one, or a contact without a name) stays as it
// is, for the composer to point out: it is never sent blank.

export type TokenContext = {
  contact?: { name?: string; email?: string } | null;
  agent?: { name?: string; meeting_link?: string } | null;
};

const pattern = /\{\{\s*([a-z_.]+)\s*\}\}/g;

function split(full = ''): [string, string] {
  const name = full.trim();
  const i = name.indexOf(' ');
  return i < 0 ? [name, ''] : [name.slice(0, i), name.slice(i + 1).trim()];
}

/** fill replaces every {{token}} that has a value; the others stay for the agent to see. */
export function fill(text: string, ctx: TokenContext, escape = (s: string) => s): string {
  const [cFirst, cLast] = split(ctx.contact?.name);
  const [aFirst, aLast] = split(ctx.agent?.name);
  const values: Record<string, string> = {
    'contact.name': ctx.contact?.name?.trim() ?? '',
    'contact.first_name': cFirst,
    'contact.last_name': cLast,
    'contact.email': ctx.contact?.email ?? '',
    'agent.full_name': ctx.agent?.name?.trim() ?? '',
    'agent.first_name': aFirst,
    'agent.last_name': aLast,
    'agent.meeting_link': ctx.agent?.meeting_link ?? '',
  };
  return text.replace(pattern, (all, key: string) => (values[key] ? escape(values[key]) : all));
}

/** unfilled lists the tokens left in text, each once, as written for the agent: {{contact.first_name}}. */
export function unfilled(text = ''): string[] {
  return [...new Set([...text.matchAll(pattern)].map((m) => `{{${m[1]}}}`))];
}

// Contact and agent tokens in templates and snippets (SPEC CMP-2), filled
// in when inserted so the agent sees exactly what will be sent.

export type TokenContext = {
  contact?: { name?: string; email?: string } | null;
  agent?: { name?: string; meeting_link?: string } | null;
};

function split(full = ''): [string, string] {
  const name = full.trim();
  const i = name.indexOf(' ');
  return i < 0 ? [name, ''] : [name.slice(0, i), name.slice(i + 1).trim()];
}

/** fill replaces every known {{token}}; an unknown one stays for the agent to see. */
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
  return text.replace(/\{\{\s*([a-z_.]+)\s*\}\}/g, (all, key: string) => (key in values ? escape(values[key]) : all));
}

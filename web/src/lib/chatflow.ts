import type { components } from './api/schema';
import { fromApi, toApi, type Week } from './schedule';
import { clean } from './bot';

/** A chat flow as the API has it (SPEC CHT-2). */
export type Flow = components['schemas']['Flow'];
export type Target = components['schemas']['Target'];

/**
 * Draft is a flow as its form edits it: every part present, the business
 * hours as a week of spans.
 */
export type Draft = Omit<Flow, 'id' | 'targeting'> & {
  id?: number;
  targeting: Target[][];
  heading: NonNullable<Flow['heading']>;
  availability: NonNullable<Flow['availability']>;
  email_capture: NonNullable<Flow['email_capture']>;
  consent: NonNullable<Flow['consent']>;
  appearance: NonNullable<Flow['appearance']>;
  zone: string;
  week: Week;
};

/** draft is a flow ready to edit; a new one when f is undefined. */
export function draft(f?: Flow, zone = Intl.DateTimeFormat().resolvedOptions().timeZone): Draft {
  const schedule = f?.availability?.schedule;
  return {
    id: f?.id,
    name: f?.name ?? '',
    enabled: f?.enabled ?? true,
    audience: f?.audience ?? 'everyone',
    audience_list: f?.audience_list,
    targeting: structuredClone(f?.targeting ?? []).map((g) => g ?? []),
    welcome: f?.welcome ?? '',
    popup: f?.popup ?? false,
    small_screens: f?.small_screens ?? 'prompt',
    language: f?.language,
    heading: { kind: undefined, user_ids: [], team_ids: [], name: '', ...structuredClone(f?.heading ?? {}) },
    availability: { mode: 'always', away: 'message', away_text: '', ...structuredClone(f?.availability ?? {}) },
    email_capture: { when: 'never', after_minutes: 5, text: '', ...(f?.email_capture ?? {}) },
    consent: { processing: 'none', text: '', subscription: '', subscription_text: '', ...(f?.consent ?? {}) },
    appearance: { accent: '#3b5bdb', position: 'right', launcher_text: '', ...(f?.appearance ?? {}) },
    routing: f?.routing ? structuredClone(f.routing) : undefined,
    bot: f?.bot ? structuredClone(f.bot) : undefined,
    zone: schedule?.time_zone ?? zone,
    week: fromApi(schedule?.hours ?? []),
  };
}

/** ownRouting is a flow's rule of its own, to start from when it is given one. */
export function ownRouting(): NonNullable<Flow['routing']> {
  return { rule: 'specific', user_ids: [], team_ids: [], strategy: 'round_robin', capacity: 0 };
}

/** body is the flow the API takes from a draft: empty choices left out. */
export function body(d: Draft): Flow {
  const { zone, week, id, ...f } = d;
  const out: Flow = { ...f, id: id ?? 0 };
  if (!out.language) delete out.language;
  if (out.audience !== 'in_list' && out.audience !== 'not_in_list') delete out.audience_list;
  const h = { ...d.heading };
  if (!h.kind) delete h.kind;
  out.heading = h;
  const a = { ...d.availability };
  if (a.mode === 'hours') a.schedule = { time_zone: zone, hours: toApi(week) };
  else delete a.schedule;
  if (!a.reply_time) delete a.reply_time;
  out.availability = a;
  if (out.routing) out.routing = { ...out.routing, capacity: Number(out.routing.capacity) || 0 };
  else delete out.routing;
  if (out.bot) out.bot = clean(out.bot);
  else delete out.bot;
  return out;
}

/** urlOps are the operators on a page's address, in the order offered. */
export const urlOps = ['is', 'is_not', 'contains', 'not_contains', 'starts_with', 'not_starts_with'] as const;

/** move returns ids with the one at i moved by step (−1 up, +1 down), or null at an end. */
export function move<T>(ids: T[], i: number, step: -1 | 1): T[] | null {
  const j = i + step;
  if (j < 0 || j >= ids.length) return null;
  const out = [...ids];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

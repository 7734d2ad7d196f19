// A chat flow's bot as its settings edit it (SPEC CHT-14): steps that
// say, ask, offer buttons, suggest articles, hand off or end, each going on
// to another by its name.
import type { components } from './api/schema';

export type Bot = components['schemas']['Bot'];
export type Step = components['schemas']['Step'];
export type StepKind = Step['kind'];

/** kinds are the kinds of step, in the order offered. */
export const kinds: StepKind[] = ['message', 'ask', 'buttons', 'articles', 'handoff', 'end'];

/** fields are the contact fields an ask step saves to (custom:<key> besides). */
export const fields = ['name', 'email', 'phone', 'company'] as const;

/** waits says whether a step waits for the visitor (and so may time out). */
export const waits = (s: Step) => s.kind === 'ask' || s.kind === 'buttons' || s.kind === 'articles';

/** starter is the bot a flow starts from: it greets, asks the email, hands off. */
export function starter(hello: string, ask: string, people: string): Bot {
  return {
    steps: [
      { id: 'hello', kind: 'message', text: hello, next: 'email' },
      { id: 'email', kind: 'ask', text: ask, field: 'email', next: 'people' },
      { id: 'people', kind: 'handoff', text: people },
    ],
  };
}

/** newStep is a step of kind with a name no step of bot has. */
export function newStep(bot: Bot, kind: StepKind): Step {
  const taken = new Set(bot.steps?.map((s) => s.id));
  let n = (bot.steps?.length ?? 0) + 1;
  while (taken.has(`step-${n}`)) n++;
  const s: Step = { id: `step-${n}`, kind, text: '' };
  if (kind === 'buttons') s.buttons = [{ label: '', next: '' }];
  if (kind === 'ask') s.field = 'name';
  return s;
}

/** clean is the bot the API takes: each step with only what its kind uses. */
export function clean(bot: Bot): Bot {
  return {
    steps: (bot.steps ?? []).map((s) => {
      const out: Step = { id: s.id.trim(), kind: s.kind };
      if (s.text?.trim()) out.text = s.text;
      if (s.kind === 'message' || s.kind === 'ask' || s.kind === 'articles') out.next = s.next ?? '';
      if (s.kind === 'ask') {
        out.field = s.field;
        if (s.retry?.trim()) out.retry = s.retry;
      }
      if (s.kind === 'buttons') {
        out.buttons = (s.buttons ?? []).map((b) => ({ label: b.label, next: b.next }));
        if (s.retry?.trim()) out.retry = s.retry;
      }
      if (waits(s) && Number(s.timeout_minutes) > 0) {
        out.timeout_minutes = Number(s.timeout_minutes);
        out.timeout_next = s.timeout_next ?? '';
      }
      return out;
    }),
  };
}

/** Said is what a bot says, with the buttons it offers, as the preview shows it. */
export type Said = { text: string; buttons: string[] };

/**
 * opening is what the bot says before the visitor must answer: from the
 * first step through those that do not wait, up to and including the
 * first that does, a hand-off or an end.
 */
export function opening(bot: Bot | undefined): Said[] {
  const out: Said[] = [];
  const steps = bot?.steps ?? [];
  let s: Step | undefined = steps[0];
  for (let i = 0; s && i <= steps.length; i++) {
    const buttons = s.kind === 'buttons' ? (s.buttons ?? []).map((b) => b.label).filter(Boolean) : [];
    if (s.text?.trim() || buttons.length) out.push({ text: s.text ?? '', buttons });
    if (s.kind !== 'message') break;
    const next: string | undefined = s.next;
    s = steps.find((x) => x.id === next);
  }
  return out;
}

// Timeline events in words (SPEC CNV-3): who did what, assignment history
// inline.
import type { TimelineItem } from './api/client';
import type { App } from './app.svelte';
import { t, type Key } from './i18n/index.svelte';

const placements = ['inbox', 'filtered', 'spam', 'trash'] as const;

export function describe(item: TimelineItem, app: App): string {
  const d = (item.data ?? {}) as Record<string, unknown>;
  const who = item.actor.kind === 'system' ? t('event.parley') : item.actor.kind === 'bot' ? t('event.bot') : item.actor.name;
  const step = (id: unknown) => `“${String(id ?? '')}”`;
  const person = (id: unknown) => (typeof id === 'number' ? (app.user(id)?.name ?? `#${id}`) : '');
  const team = (id: unknown) => (typeof id === 'number' ? (app.teams.find((x) => x.id === id)?.name ?? `#${id}`) : '');
  const target = () => [person(d.to_user_id), team(d.to_team_id)].filter(Boolean).join(' · ');
  switch (item.type) {
    case 'conversation.assigned':
      if (d.to_user_id === item.actor.id && !d.to_team_id) return t('event.took', { who });
      return t('event.assigned', { who, to: target() });
    case 'conversation.reassigned':
      return t('event.reassigned', { who, to: target() });
    case 'conversation.unassigned':
      return t('event.unassigned', { who });
    case 'conversation.closed':
      return t('event.closed', { who });
    case 'conversation.reopened':
      return t('event.reopened', { who });
    case 'conversation.moved': {
      const to = placements.find((p) => p === d.to) ?? 'inbox';
      return to === 'inbox' ? t('event.restored', { who }) : t(`event.moved.${to}`, { who });
    }
    case 'conversation.forwarded':
      return t('event.forwarded', { who, to: Array.isArray(d.to) ? d.to.join(', ') : '' });
    case 'conversation.channel_switched':
      return t('event.switched', { who });
    case 'conversation.contact_dissociated':
      return t('event.dissociated', { who });
    case 'conversation.contact_associated':
      return t('event.associated', { who });
    case 'conversation.contact_claimed':
      return t('event.contactClaimed', { email: String(d.email ?? '') });
    case 'conversation.transcript_sent':
      return t('event.transcriptSent', { who, to: Array.isArray(d.to) ? d.to.join(', ') : '' });
    case 'contact.merged':
      return t('event.contactMerged', { who, name: String(d.name || d.email || '') });
    case 'contact.blocked':
      return t('event.blocked', { who });
    case 'contact.unblocked':
      return t('event.unblocked', { who });
    case 'message.delivery_failed':
      // A bridge's reason is the provider's own words: shown as they are.
      return t('event.deliveryFailed', { reason: d.code === 'bridge' && d.reason ? String(d.reason) : t(deliveryError(d.code)) });
    case 'conversation.routed':
      return routed(d, person, team);
    case 'ticket.created':
      return t('event.ticketCreated', { who, subject: String(d.subject ?? ''), stage: String(d.stage ?? '') });
    case 'ticket.stage_changed':
      return t('event.ticketMoved', { who, subject: String(d.subject ?? ''), from: String(d.from_stage ?? ''), to: String(d.to_stage ?? '') });
    case 'ticket.updated':
      return t('event.ticketUpdated', { who, subject: String(d.subject ?? '') });
    case 'ticket.linked':
      return t('event.ticketLinked', { who, subject: String(d.subject ?? '') });
    case 'ticket.unlinked':
      return t('event.ticketUnlinked', { who, subject: String(d.subject ?? '') });
    case 'ticket.deleted':
      return t('event.ticketDeleted', { who, subject: String(d.subject ?? '') });
    case 'deal.created':
      return t('event.dealCreated', { who, name: String(d.name ?? ''), stage: String(d.stage ?? '') });
    case 'deal.stage_changed':
      return t('event.dealMoved', { who, name: String(d.name ?? ''), from: String(d.from_stage ?? ''), to: String(d.to_stage ?? '') });
    case 'deal.updated':
      return t('event.dealUpdated', { who, name: String(d.name ?? '') });
    case 'deal.linked':
      return t('event.dealLinked', { who, name: String(d.name ?? '') });
    case 'deal.unlinked':
      return t('event.dealUnlinked', { who, name: String(d.name ?? '') });
    case 'deal.deleted':
      return t('event.dealDeleted', { who, name: String(d.name ?? '') });
    case 'bot.handed_off': {
      const why = botReasons.includes(String(d.reason)) ? String(d.reason) : 'handoff';
      return t('event.botHandedOff', { step: step(d.step), why: t(`bot.why.${why}` as Key, { from: step(d.from) }) });
    }
    case 'bot.taken_over':
      return t('event.botTakenOver', { who });
    case 'bot.ended':
      if (d.reason === 'answered') return t('event.botAnswered');
      return d.step ? t('event.botEnded', { step: step(d.step) }) : t('event.botEndedAlone');
    default:
      return '';
  }
}

const botReasons = ['handoff', 'talk', 'timeout', 'no_articles', 'visitor_wrote', 'no_bot', 'retries', 'error'];

const reasons = ['strategy', 'contact_owner', 'new_visitor', 'no_owner', 'no_candidates', 'no_one_available', 'at_capacity', 'unassigned'];
const strategies: Record<string, Key> = {
  round_robin: 'routing.roundRobin',
  least_open: 'routing.leastOpen',
  first_available: 'routing.firstAvailable',
};
const previous = ['away', 'deactivated', 'not_member'];

/** routed says a routing decision and why (SPEC RTE-6). */
function routed(d: Record<string, unknown>, person: (id: unknown) => string, team: (id: unknown) => string): string {
  const ids = (v: unknown) => (Array.isArray(v) ? v : []);
  const among = [...ids(d.user_ids).map(person), ...ids(d.team_ids).map(team)].join(', ');
  let code = reasons.includes(String(d.reason)) ? String(d.reason) : 'unassigned';
  if (code === 'contact_owner' && d.away) code = 'contact_owner_away';
  const strategy = strategies[String(d.strategy)];
  const why = t(`routing.why.${code}` as Key, { among, strategy: strategy ? t(strategy).toLowerCase() : '' });
  const rest =
    typeof d.to_user_id === 'number'
      ? t('event.routed', { to: person(d.to_user_id), why })
      : t(d.queued ? 'event.routedQueued' : 'event.routedNone', { why });
  if (typeof d.previous_user_id !== 'number' || !previous.includes(String(d.previous))) return rest;
  return t('event.rerouted', { previous: t(`routing.previous.${d.previous}` as Key, { name: person(d.previous_user_id) }), rest });
}

const deliveryErrors = ['no_relay', 'refused', 'unreachable', 'bounced', 'bridge', 'bridge_removed'];

/** deliveryError is the catalogue's words for why an email was not delivered. */
function deliveryError(code: unknown): Key {
  return deliveryErrors.includes(String(code)) ? (`deliveryError.${code}` as Key) : 'deliveryError.unknown';
}

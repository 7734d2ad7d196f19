/** The widget's own words, in the visitor's language (SPEC PLT-6). */
const en = {
  title: 'Chat with us',
  close: 'Close the chat',
  placeholder: 'Write a message…',
  send: 'Send',
  sending: 'Sending…',
  failed: 'Not sent.',
  retry: 'Try again',
  offline: 'We are away right now: leave a message and we will answer as soon as we can.',
  reconnecting: 'Reconnecting…',
  typing: '{name} is typing…',
  you: 'You',
  empty: 'Ask us anything: we will answer here.',
  attach: 'Attach a file',
  'file.too_large': 'That file is too large (10 MB at most).',
  'file.rate_limited': 'Too fast: try again in a moment.',
  emailTitle: 'Your email',
  emailAsk: 'Leave your email so we can answer you even after you leave.',
  emailLabel: 'Email',
  emailSend: 'Continue',
  emailBad: 'That does not look like an email address.',
  consentTitle: 'Before you write',
  agree: 'I agree',
  subscribe: 'Keep me informed: {name}',
  away: 'We are away right now: leave a message and we will answer as soon as we are back.',
  'reply.minutes': 'We typically reply in a few minutes.',
  'reply.hours': 'We typically reply in a few hours.',
  'reply.day': 'We typically reply within a day.',
  'error.channel_off': 'This chat is closed for now.',
  'error.rate_limited': 'Too fast: sending again in a moment.',
  bot: 'Automated assistant',
  choices: 'Choose an answer',
  articles: 'Suggested articles',
  answered: 'This answered my question',
  talk: 'Talk to someone',
};
type Key = keyof typeof en;
const fr: Record<Key, string> = {
  title: 'Discutons',
  close: 'Fermer la discussion',
  placeholder: 'Écrivez un message…',
  send: 'Envoyer',
  sending: 'Envoi…',
  failed: 'Non envoyé.',
  retry: 'Réessayer',
  offline: 'Nous sommes absents pour le moment : laissez un message, nous répondrons dès que possible.',
  reconnecting: 'Reconnexion…',
  typing: '{name} écrit…',
  you: 'Vous',
  empty: 'Posez-nous vos questions : nous répondrons ici.',
  attach: 'Joindre un fichier',
  'file.too_large': 'Ce fichier est trop gros (10 Mo au plus).',
  'file.rate_limited': 'Trop rapide : réessayez dans un instant.',
  emailTitle: 'Votre e-mail',
  emailAsk: 'Laissez votre e-mail pour que nous puissions vous répondre même après votre départ.',
  emailLabel: 'E-mail',
  emailSend: 'Continuer',
  emailBad: 'Cette adresse e-mail ne semble pas valide.',
  consentTitle: 'Avant d’écrire',
  agree: 'J’accepte',
  subscribe: 'Tenez-moi informé : {name}',
  away: 'Nous sommes absents pour le moment : laissez un message, nous répondrons dès notre retour.',
  'reply.minutes': 'Nous répondons en général en quelques minutes.',
  'reply.hours': 'Nous répondons en général en quelques heures.',
  'reply.day': 'Nous répondons en général dans la journée.',
  'error.channel_off': 'Cette discussion est fermée pour le moment.',
  'error.rate_limited': 'Trop rapide : nouvel envoi dans un instant.',
  bot: 'Assistant automatique',
  choices: 'Choisissez une réponse',
  articles: 'Articles suggérés',
  answered: 'Cela a répondu à ma question',
  talk: 'Parler à quelqu’un',
};

/** lang is the visitor's language: French if their browser prefers it, else English. */
export function lang(languages: readonly string[] = navigator.languages ?? [navigator.language]): 'en' | 'fr' {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

export function words(l: 'en' | 'fr') {
  const c = l === 'fr' ? fr : en;
  return (key: Key | string, vars: Record<string, string> = {}): string =>
    ((c as Record<string, string>)[key] ?? key).replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

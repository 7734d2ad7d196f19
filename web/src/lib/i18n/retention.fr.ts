// Français de la conservation et de l’effacement : repris dans fr.ts.
import type { Message } from './en';
import type { enRetention } from './retention.en';

export const frRetention: Record<keyof typeof enRetention, Message> = {
  'retention.titleNamed': 'Conservation dans {name}',
  'retention.hint':
    'Les conversations fermées peuvent être supprimées définitivement quelques jours après leur fermeture, avec leurs messages, leurs pièces jointes et le courrier brut. Les conversations ouvertes ne sont jamais supprimées, et une conversation rouverte recommence à compter quand elle est refermée. La suppression a lieu toutes les heures.',
  'retention.keep': 'Conserver les conversations fermées',
  'retention.deleteAfter': 'Supprimer les conversations fermées après',
  'retention.days': 'Nombre de jours',
  'retention.daysUnit': 'jours (de 1 à 3650)',
  'retention.isOff': 'Désactivée : les conversations fermées sont conservées.',
  'retention.isOn': {
    one: 'Activée : une conversation fermée est supprimée {count} jour après sa fermeture.',
    other: 'Activée : une conversation fermée est supprimée {count} jours après sa fermeture.',
  },
  'retention.confirmTitle': 'Supprimer les conversations fermées après {days} jours ?',
  'retention.confirmText': {
    one: '{count} conversation fermée de {name} l’a été il y a plus longtemps : elle sera supprimée définitivement dans l’heure, avec ses messages et ses pièces jointes. Action irréversible.',
    other: '{count} conversations fermées de {name} l’ont été il y a plus longtemps : elles seront supprimées définitivement dans l’heure, avec leurs messages et leurs pièces jointes. Action irréversible.',
  },
  'retention.confirmNone': 'Aucune conversation fermée de {name} n’est encore aussi ancienne. Désormais, chacune est supprimée définitivement {days} jours après sa fermeture.',
  'retention.confirm': 'Enregistrer et supprimer',
  'retention.saved': 'Conservation enregistrée.',
  'erase.title': 'Effacer ce contact',
  'erase.hint':
    'Pour une demande d’effacement (RGPD). Tout ce que Parley détient sur cette personne est supprimé définitivement, dans toutes les boîtes : ses conversations avec chaque message, pièce jointe et le courrier brut, ses informations, listes, consentements et visites du chat. Les tickets et les affaires restent, sans elle. Parley ne reprendra pas ses anciens messages, même si une boîte aux lettres est relue. Action irréversible.',
  'erase.button': 'Effacer ce contact…',
  'erase.dialogTitle': 'Effacer {name} ?',
  'erase.explain':
    'Tout ce que Parley détient sur {name} est supprimé définitivement : ses conversations dans toutes les boîtes, avec chaque message, pièce jointe et le courrier brut, ses informations, listes, consentements et visites du chat. Action irréversible.',
  'erase.newMail': 'Si cette personne écrit de nouveau plus tard, son nouveau message arrive comme venant d’un nouveau contact.',
  'erase.noName': 'Ce contact n’a ni nom, ni adresse, ni téléphone : saisissez son numéro, avec le #.',
  'erase.confirmLabel': 'Saisissez {value} pour confirmer',
  'erase.confirm': 'Effacer définitivement',
  'erase.done': {
    one: '{name} a été effacé, avec {count} conversation.',
    other: '{name} a été effacé, avec {count} conversations.',
  },
  'error.retention_days': 'Choisissez un nombre de jours de 1 à 3650.',
  'error.confirm_contact': 'Saisissez le nom, l’adresse e-mail ou le numéro (#…) du contact comme affiché.',
};

// English for retention and erasure (issue 18, GDPR): an inbox's retention
// of closed conversations, and erasing a contact. Spread into en.ts, its
// keys part of Key.
import type { Message } from './en';

export const enRetention = {
  'retention.titleNamed': 'Retention in {name}',
  'retention.hint':
    'Closed conversations can be deleted for good some days after they are closed, with their messages, attachments and raw mail. Open conversations are never deleted, and one that is reopened starts counting again when it is closed. Deletion runs every hour.',
  'retention.keep': 'Keep closed conversations',
  'retention.deleteAfter': 'Delete closed conversations after',
  'retention.days': 'Number of days',
  'retention.daysUnit': 'days (1 to 3650)',
  'retention.isOff': 'Off: closed conversations are kept.',
  'retention.isOn': {
    one: 'On: a closed conversation is deleted {count} day after it is closed.',
    other: 'On: a closed conversation is deleted {count} days after it is closed.',
  },
  'retention.confirmTitle': 'Delete closed conversations after {days} days?',
  'retention.confirmText': {
    one: '{count} closed conversation in {name} was closed longer ago than that: it will be deleted for good within the hour, with its messages and attachments. This cannot be undone.',
    other: '{count} closed conversations in {name} were closed longer ago than that: they will be deleted for good within the hour, with their messages and attachments. This cannot be undone.',
  },
  'retention.confirmNone': 'No closed conversation in {name} is that old yet. From now on, each is deleted for good {days} days after it is closed.',
  'retention.confirm': 'Save and delete',
  'retention.saved': 'Retention saved.',
  'erase.title': 'Erase this contact',
  'erase.hint':
    'For a request to be forgotten (GDPR). Everything Parley holds about this person is deleted for good, in every inbox: their conversations with every message, attachment and the raw mail, their details, lists, consents and chat visits. Tickets and deals stay, without them. Parley will not take in their old messages again, even when a mailbox is read again. This cannot be undone.',
  'erase.button': 'Erase this contact…',
  'erase.dialogTitle': 'Erase {name}?',
  'erase.explain':
    'Everything Parley holds about {name} is deleted for good: their conversations in every inbox, with every message, attachment and the raw mail, their details, lists, consents and chat visits. This cannot be undone.',
  'erase.newMail': 'If they write again later, their new message arrives as from a new contact.',
  'erase.noName': 'This contact has no name, address or phone: type its number, with the #.',
  'erase.confirmLabel': 'Type {value} to confirm',
  'erase.confirm': 'Erase for good',
  'erase.done': {
    one: '{name} was erased, with {count} conversation.',
    other: '{name} was erased, with {count} conversations.',
  },
  'error.retention_days': 'Choose a number of days from 1 to 3650.',
  'error.confirm_contact': 'Type the contact’s name, email address or number (#…) as it is shown.',
} satisfies Record<string, Message>;

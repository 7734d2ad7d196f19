import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Conversation } from '../lib/api/client';
import { i18n } from '../lib/i18n/index.svelte';
import { parse } from '../lib/nav.svelte';
import ConversationItem from './ConversationItem.svelte';

// Just what the row reads of the app.
function fakeApp(q = '') {
  return {
    nav: { place: { ...parse('/inbox/all/open', q ? `?q=${q}` : ''), conversation: 7 }, go: () => {} },
    list: { selected: new Set<number>(), toggle: () => {} },
    presence: { typists: (id: number) => (id === 8 ? ['Bob'] : []) },
    inbox: (id: number) => (id === 1 ? { id: 1, name: 'Support' } : undefined),
  };
}

const conv = (over: Partial<Conversation> = {}): Conversation =>
  ({
    id: 8,
    inbox_id: 1,
    channel: 'email',
    channel_label: 'email',
    channel_id: 1,
    contact: { id: 3, name: 'Marie <Curie>' },
    subject: 'Refund for order 4521',
    preview: 'I would like a refund',
    status: 'open',
    placement: 'inbox',
    unread: true,
    assignee: { id: 2, name: 'Ana Lopez', initials: 'AL' },
    last_activity_at: new Date().toISOString(),
    ...over,
  }) as Conversation;

describe('ConversationItem', () => {
  afterEach(() => {
    cleanup();
    i18n.locale = 'en';
  });

  it('shows who, what, the channel, the assignee, unread and typing; marks the search', () => {
    const { container } = render(ConversationItem, { props: { c: conv() }, context: new Map([['app', fakeApp('refund')]]) });
    expect(screen.getByText('Marie <Curie>')).toBeTruthy(); // escaped, not markup
    expect(container.querySelectorAll('mark')).toHaveLength(2);
    expect(screen.getByTitle('Unread')).toBeTruthy();
    expect(screen.getByTitle('Assigned to Ana Lopez').textContent).toBe('AL');
    expect(screen.getByText('Email')).toBeTruthy();
    expect(screen.getByText('replying…')).toBeTruthy();
    expect(container.querySelector('li')!.classList.contains('unread')).toBe(true);
    expect(screen.getByText('Support')).toBeTruthy(); // all inboxes: the row says which
  });

  it('speaks French, and says closed', () => {
    i18n.locale = 'fr';
    render(ConversationItem, { props: { c: conv({ unread: false, status: 'closed', assignee: null as never, channel_label: 'api' }) }, context: new Map([['app', fakeApp()]]) });
    expect(screen.getByText('Messagerie')).toBeTruthy();
    expect(screen.getByText('Fermée')).toBeTruthy();
    expect(screen.queryByTitle('Non lue')).toBeNull();
  });
});

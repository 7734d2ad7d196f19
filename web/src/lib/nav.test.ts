import { describe, expect, it } from 'vitest';
import { href, parse } from './nav.svelte';

describe('places and addresses', () => {
  it.each([
    ['/', '', { page: 'inbox', inbox: null, view: 'open', conversation: null, q: '' }],
    ['/inbox/all/mine', '', { inbox: null, view: 'mine' }],
    ['/inbox/3/channel%3Aemail/c/42', '', { inbox: 3, view: 'channel:email', conversation: 42 }],
    ['/inbox/3/closed', '?q=refund&assignee=none&hide=filtered,trash&team=2', { view: 'closed', q: 'refund', filters: { assignee: 'none', hide: ['filtered', 'trash'], team: 2 } }],
    ['/inbox/x/open/c/abc', '', { inbox: null, conversation: null }],
    ['/settings/inboxes', '', { page: 'settings', section: 'inboxes' }],
    ['/settings', '', { page: 'settings', section: 'profile' }],
    ['/tickets', '', { page: 'tickets', section: '' }],
    ['/tickets/4', '', { page: 'tickets', section: '4' }],
    ['/tickets/x', '', { page: 'tickets', section: '' }],
    ['/contacts', '', { page: 'contacts', section: '' }],
    ['/contacts/12', '', { page: 'contacts', section: '12' }],
    ['/companies/3', '', { page: 'companies', section: '3' }],
    ['/deals/5', '', { page: 'deals', section: '5' }],
  ])('%s%s', (path, search, want) => {
    expect(parse(path, search)).toMatchObject(want);
  });

  it('writes what it reads', () => {
    for (const url of ['/inbox/all/open', '/inbox/3/channel%3Achat/c/9?q=late+parcel&status=closed&sort=oldest', '/inbox/all/closed?q=refund&in=view', '/settings/people', '/tickets', '/tickets/7', '/contacts', '/contacts/12', '/companies', '/companies/3']) {
      const [path, search = ''] = url.split('?');
      expect(href(parse(path, search ? `?${search}` : ''))).toBe(url);
    }
  });
});

import { test, expect, signIn } from './fixtures';

test.describe('notifications', () => {
  test('someone without the app open is emailed, once for a burst, and the link opens the conversation', async ({ browser, parley }) => {
    const ben = await parley.user('Ben Away');
    const inbox = await parley.inbox('Away desk');
    const r = await parley.push(inbox.channel, { email: 'away@customer.test', name: 'Away Customer' }, 'Where is it?', 'Lost parcel');
    // Given to Ben, then a mention: one email says both.
    await parley.api('PUT', `/conversations/${r.conversation_id}/assignee`, { user_id: ben.id });
    const handle = ben.email.split('@')[0];
    await parley.api('POST', `/conversations/${r.conversation_id}/comments`, { text: `@${handle} can you look?` });

    const mail = await parley.sent((m) => (m.to as { text: string }).text === ben.email && /Lost parcel/.test(m.subject ?? ''));
    expect(mail.text).toContain('gave you this conversation');
    expect(mail.text).toContain('mentioned you');
    const link = /(http\S+\/c\/\d+)/.exec(mail.text ?? '')?.[1];
    expect(link).toBeTruthy();

    const page = await signIn(browser, parley, ben);
    await page.goto(link!);
    await expect(page.getByRole('heading', { name: 'Lost parcel' })).toBeVisible();
    // The bell has both, and only one email went.
    await expect(page.getByRole('button', { name: /^Notifications/ }).getByLabel('2 unread')).toBeVisible();
    expect(parley.outbox.filter((m) => (m.to as { text: string }).text === ben.email && /Lost parcel/.test(m.subject ?? ''))).toHaveLength(1);
  });

  test('each person chooses what reaches them, per kind, in the app, on the desktop and by email', async ({ browser, parley }) => {
    const ana = await parley.user('Ana Prefs');
    const page = await signIn(browser, parley, ana);
    await page.goto('/settings/profile');
    const table = page.getByRole('table', { name: 'Notifications' });
    const mentionEmail = table.getByRole('checkbox', { name: 'A teammate mentions me: By email, when the app is closed' });
    await expect(mentionEmail).toBeChecked();
    await mentionEmail.uncheck();
    await page.reload();
    await expect(table.getByRole('checkbox', { name: 'A teammate mentions me: By email, when the app is closed' })).not.toBeChecked();
    await expect(table.getByRole('checkbox', { name: 'A teammate mentions me: In the app' })).toBeChecked();
  });
});

import { test, expect, signIn, shot } from './fixtures';

test.describe('routing', () => {
  test('an admin routes a team round-robin; emails alternate between its two agents, each told why', async ({ browser, parley }) => {
    const admin = await parley.user('Ada Router', 'admin');
    const ana = await parley.user('Ana Rota');
    const ben = await parley.user('Ben Rota');
    const quiet = await parley.user('Quinn Rota');
    await parley.api('PATCH', `/users/${quiet.id}`, { routable: false });
    const team = await parley.api('POST', '/teams', { name: 'Rota team', user_ids: [ana.id, ben.id] });
    const inbox = await parley.inbox('Rota desk');
    const channels = (await parley.api('GET', `/inboxes/${inbox.id}/channels`)).items;
    const email = channels.find((c: { kind: string }) => c.kind === 'email');

    const page = await signIn(browser, parley, admin);
    await page.goto('/settings/channels');
    await page.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Rota desk' });
    const card = page.getByRole('region', { name: email.name });
    const form = card.getByRole('form', { name: 'Routing' });
    await form.getByRole('combobox', { name: 'New conversations go to' }).selectOption('specific');
    const people = form.getByRole('group', { name: 'Route to' });
    // Someone who is not routable cannot be chosen, and the screen says why.
    await expect(people.getByRole('checkbox', { name: /Quinn Rota/ })).toBeDisabled();
    await expect(people.getByText('not routable')).toBeVisible();
    await people.getByLabel('Team Rota team').check();
    await form.getByRole('spinbutton', { name: 'Most open conversations per person' }).fill('5');
    await form.getByRole('button', { name: 'Save routing' }).click();
    await expect(page.getByText('Saved')).toBeVisible();
    await shot(page, 'settings-routing');
    const rule = await parley.api('GET', `/channels/${email.id}/routing`);
    expect(rule).toMatchObject({ rule: 'specific', team_ids: [team.id], strategy: 'round_robin', capacity: 5, only_available: true });

    // Four customers write in: they alternate between Ana and Ben.
    const ownerOf = async (subject: string) => {
      const list = (await parley.api('GET', `/conversations?inbox=${inbox.id}`)).items as { subject: string; assignee?: { name: string } | null }[];
      return list.find((c) => c.subject === subject)?.assignee?.name ?? '';
    };
    const owners: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      await parley.mail(inbox.address, `rota${n}@customer.test`, `Rota question ${n}`, `Question ${n}`);
      await expect.poll(() => ownerOf(`Rota question ${n}`)).not.toBe('');
      owners.push(await ownerOf(`Rota question ${n}`));
    }
    expect(owners[0]).not.toBe(owners[1]);
    expect(owners).toEqual([owners[0], owners[1], owners[0], owners[1]]);
    expect(owners.sort()).toEqual(['Ana Rota', 'Ana Rota', 'Ben Rota', 'Ben Rota']);

    // Ana sees hers in Mine, and the thread says why it is hers; her bell
    // told her of both.
    const anaPage = await signIn(browser, parley, ana);
    const bell = anaPage.getByRole('button', { name: /^Notifications/ });
    await expect(bell.getByLabel('2 unread')).toBeVisible();
    await bell.click();
    await expect(anaPage.getByRole('dialog', { name: 'Notifications' }).getByRole('button', { name: /A new conversation for you with rota/ })).toHaveCount(2);
    await shot(anaPage, 'notifications');
    await bell.click();
    await anaPage.getByRole('link', { name: /^Assigned to me/ }).click();
    await anaPage.getByRole('link', { name: /Rota question/ }).first().click();
    await expect(anaPage.getByText(/Routed to Ana Rota: round-robin among Rota team/)).toBeVisible();
    await shot(anaPage, 'routing-reason');
  });

  test('an agent gives a contact an owner in the sidebar; the contact-owner rule sends the next email to them', async ({ browser, parley }) => {
    const ana = await parley.user('Ana Owner');
    const ben = await parley.user('Ben Owner');
    const inbox = await parley.inbox('Owner desk');
    const channels = (await parley.api('GET', `/inboxes/${inbox.id}/channels`)).items;
    const email = channels.find((c: { kind: string }) => c.kind === 'email');
    await parley.api('PUT', `/channels/${email.id}/routing`, { rule: 'contact_owner', fallback: { rule: 'specific', user_ids: [ana.id] } });
    await parley.mail(inbox.address, 'olga@customer.test', 'First time', 'Hello');

    // A new visitor goes to the fallback, Ana, who makes Ben the owner.
    const page = await signIn(browser, parley, ana);
    await page.getByRole('link', { name: /^Assigned to me/ }).click();
    await page.getByRole('link', { name: /First time/ }).click();
    await expect(page.getByText('Routed to Ana Owner: a new visitor, round-robin among Ana Owner')).toBeVisible();
    const pane = page.getByRole('complementary', { name: 'Contact' });
    await pane.getByRole('combobox', { name: 'Owner' }).selectOption({ label: 'Ben Owner' });
    await pane.getByRole('button', { name: 'Edit contact' }).click();
    await pane.getByRole('textbox', { name: 'Name' }).fill('Olga Owned');
    await pane.getByRole('button', { name: 'Save' }).click();
    await expect(pane.getByRole('heading', { name: 'Olga Owned' })).toBeVisible();
    await expect(pane.getByRole('combobox', { name: 'Owner' })).toHaveValue(String(ben.id));

    // Her next email goes to Ben, who is told why.
    await parley.mail(inbox.address, 'olga@customer.test', 'Second time', 'Hello again');
    const benPage = await signIn(browser, parley, ben);
    await benPage.getByRole('link', { name: /^Assigned to me/ }).click();
    await benPage.getByRole('link', { name: /Second time/ }).click();
    await expect(benPage.getByText('Routed to Ben Owner: the contact’s owner')).toBeVisible();
  });
});

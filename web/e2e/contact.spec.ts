import { test, expect, signIn, shot } from './fixtures';

// Issue 11: dissociating asks first, and a contact can be associated again
// from the sidebar (SPEC CRM-2), by search or by a new address, or put
// back at once.
test.describe('associating a contact', () => {
  test('dissociate asks; cancel keeps it; undo; associate by search and by email; the reply reaches them', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Assoc desk');
    const ana = await parley.user('Ana Assoc');
    await parley.push(inbox.channel, { email: 'olga@old.test', name: 'Olga Berg' }, 'An older question', 'Older');
    await parley.mail(inbox.address, 'Wes Mail <wes@mail.test>', 'Lost parcel', 'Where is my parcel?');

    const page = await signIn(browser, parley, ana);
    await page.locator('.conversation', { hasText: 'Wes Mail' }).getByRole('link').click();
    const side = page.getByRole('complementary', { name: 'Contact' });
    await expect(side.getByRole('heading', { name: 'Wes Mail' })).toBeVisible();

    await side.getByRole('button', { name: 'Dissociate contact' }).click();
    const ask = side.getByRole('alertdialog');
    await expect(ask).toContainText('Take Wes Mail off this conversation?');
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await expect(ask).toBeHidden();
    await expect(side.getByRole('heading', { name: 'Wes Mail' })).toBeVisible();

    await side.getByRole('button', { name: 'Dissociate contact' }).click();
    await ask.getByRole('button', { name: 'Dissociate', exact: true }).click();
    await expect(side).toContainText('No contact on this conversation.');
    await side.getByRole('status').getByRole('button', { name: 'Undo' }).click();
    await expect(side.getByRole('heading', { name: 'Wes Mail' })).toBeVisible();
    await side.getByRole('button', { name: 'Dissociate contact' }).click();
    await ask.getByRole('button', { name: 'Dissociate', exact: true }).click();

    const search = side.getByRole('searchbox', { name: 'Associate a contact' });
    await search.fill('olga');
    await side.getByRole('list', { name: 'Contacts found' }).getByRole('button', { name: /Olga Berg/ }).click();
    await expect(side.getByRole('heading', { name: 'Olga Berg' })).toBeVisible();
    await expect(page.getByText('Ana Assoc associated a contact')).toHaveCount(2);

    await side.getByRole('button', { name: 'Dissociate contact' }).click();
    await ask.getByRole('button', { name: 'Dissociate', exact: true }).click();
    await search.fill('new.wes@mail.test');
    await shot(page, 'contact-associate');
    await side.getByRole('button', { name: 'Associate new.wes@mail.test' }).click();
    await expect(side.getByRole('heading', { name: 'new.wes@mail.test' })).toBeVisible();

    await expect(page.getByRole('group', { name: 'To' })).toContainText('new.wes@mail.test');
    await page.getByRole('textbox', { name: 'Your reply' }).click();
    await page.keyboard.type('Found it.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const out = await parley.sent((m) => m.subject === 'Re: Lost parcel');
    expect(out.to && 'value' in out.to ? out.to.value.map((a) => a.address) : []).toEqual(['new.wes@mail.test']);
  });
});

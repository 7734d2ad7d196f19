import { test, expect, signIn, shot } from './fixtures';

// Issue 11: tokens in a new email fill from the contact the address
// belongs to; a token without a value is shown and stops sending.
test.describe('tokens in a new email', () => {
  test('a template fills from the known contact of the To address, and never goes out blank', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Token desk');
    const ana = await parley.user('Ana Token');
    await parley.push(inbox.channel, { email: 'marie@lab.test', name: 'Marie Curie' }, 'Hello');
    await parley.api('POST', '/templates', { title: 'Follow-up', subject: 'Following up, {{contact.first_name}}', body: 'Hi {{contact.first_name}},\n\nAny news?' });

    const page = await signIn(browser, parley, ana);
    await page.getByRole('button', { name: 'New email' }).click();
    const dialog = page.getByRole('dialog', { name: 'New email' });
    await dialog.getByRole('combobox', { name: 'From' }).selectOption({ label: `Token desk <${inbox.address}>` });
    await dialog.getByRole('button', { name: 'Insert' }).click();
    await dialog.getByRole('button', { name: /Follow-up/ }).click();
    const body = dialog.getByRole('textbox', { name: 'Message' });
    await expect(body).toContainText('Hi {{contact.first_name}},');
    await expect(dialog.getByRole('alert')).toContainText('No value for {{contact.first_name}}');
    await expect(dialog.getByRole('button', { name: 'Send' })).toBeDisabled();

    await dialog.getByRole('textbox', { name: 'To' }).fill('stranger@else.test');
    await expect(dialog.getByRole('alert')).toContainText('{{contact.first_name}}');
    await dialog.getByRole('textbox', { name: 'To' }).fill('Marie@lab.test');
    await expect(body).toContainText('Hi Marie,');
    await expect(dialog.getByRole('textbox', { name: 'Subject' })).toHaveValue('Following up, Marie');
    await expect(dialog.getByRole('alert')).toBeHidden();
    await shot(page, 'compose-tokens');
    await dialog.getByRole('button', { name: 'Send' }).click();
    const out = await parley.sent((m) => m.subject === 'Following up, Marie');
    expect(out.text).toContain('Hi Marie,');
  });
});

import { test, expect, signIn, shot } from './fixtures';

// Contacts (SPEC CRM-1): a page of them, one contact's page where its
// owner, addresses and fields are edited, a merge that asks first, and a
// CSV import that refuses a file with a bad line and names it.
test.describe('contacts', () => {
  test('on a contact’s page an agent edits the owner, the addresses and a field, then merges another contact in', async ({ browser, parley }) => {
    const stamp = Date.now();
    const inbox = await parley.inbox('Contacts desk');
    await parley.api('POST', '/contact-fields', { key: `tier_${stamp}`, label: `Tier ${stamp}`, type: 'choice', choices: ['Gold', 'Silver'] });
    await parley.push(inbox.channel, { email: `mara${stamp}@client.test`, name: `Mara ${stamp}` }, 'My order', 'Order');
    await parley.push(inbox.channel, { email: `mara.home${stamp}@mail.test`, name: `Mara at home ${stamp}` }, 'Also me', 'Home');
    const agent = await parley.user('Cal Contacts');
    const page = await signIn(browser, parley, agent);

    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill(`mara ${stamp}`);
    await page.getByRole('link', { name: `Mara ${stamp}`, exact: true }).click();
    await expect(page).toHaveURL(/\/contacts\/\d+$/);
    await expect(page.getByRole('heading', { name: `Mara ${stamp}`, level: 2 })).toBeVisible();

    const card = page.getByRole('region', { name: 'Contact' });
    await card.getByRole('combobox', { name: 'Owner' }).selectOption({ label: 'Cal Contacts' });
    await card.getByRole('combobox', { name: `Tier ${stamp}` }).selectOption('Gold');
    await card.getByRole('button', { name: 'Edit contact' }).click();
    const form = page.getByRole('form', { name: 'Edit contact' });
    await form.getByRole('button', { name: '+ Add a phone number' }).click();
    await form.getByRole('textbox', { name: 'Phone number 1' }).fill('call me maybe');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('This is not a phone number')).toBeVisible();
    await form.getByRole('textbox', { name: 'Phone number 1' }).fill('+33 6 12 34 56 78');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toBeHidden();
    await page.reload();
    await expect(card.getByRole('combobox', { name: 'Owner' })).toHaveValue(String(agent.id));
    await expect(card.getByRole('combobox', { name: `Tier ${stamp}` })).toHaveValue('Gold');
    await expect(card.getByRole('link', { name: '+33 6 12 34 56 78' })).toBeVisible();
    await shot(page, 'contact-page');

    await page.getByRole('button', { name: 'Merge with another contact…' }).click();
    const dialog = page.getByRole('dialog', { name: `Merge a contact into Mara ${stamp}` });
    await dialog.getByRole('searchbox').fill(`home${stamp}`);
    await dialog.getByRole('list', { name: 'Contacts found' }).getByRole('button', { name: new RegExp(`Mara at home ${stamp}`) }).click();
    const ask = dialog.getByRole('alertdialog');
    await expect(ask).toContainText(`Merge Mara at home ${stamp} into Mara ${stamp}? Their 1 conversation,`);
    await shot(page, 'contact-merge');
    await ask.getByRole('button', { name: 'Merge', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(card.getByRole('link', { name: `mara.home${stamp}@mail.test` })).toBeVisible();
    const convs = page.getByRole('region', { name: 'Conversations' });
    await expect(convs.getByRole('link')).toHaveCount(2);
    await expect(page.getByRole('region', { name: 'Merged into this contact' })).toContainText(`Mara at home ${stamp}, merged by Cal Contacts`);

    // The moved conversation says so in its timeline.
    await convs.getByRole('link', { name: 'Home' }).click();
    await expect(page.getByText(`Cal Contacts merged the contact Mara at home ${stamp} into this conversation’s contact`)).toBeVisible();
  });

  test('an admin imports a CSV: a bad line is named and nothing is written, then the fixed file imports', async ({ browser, parley }) => {
    const stamp = Date.now();
    const admin = await signIn(browser, parley, await parley.user('Ida Import', 'admin'));
    await admin.goto('/contacts');
    await admin.getByRole('button', { name: 'Import' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Import contacts' });
    const bad = `Nom,Courriel,Téléphone\nNell ${stamp},nell${stamp}@client.test,+1 555 0100\nOtto ${stamp},otto-at-client,\n`;
    await dialog.locator('input[type=file]').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await expect(dialog.getByRole('combobox', { name: 'Column Courriel is' })).toHaveValue('email');
    await expect(dialog.getByRole('alert')).toContainText('Line 3, Courriel: “otto-at-client” is not an email address.');
    await expect(dialog.getByRole('button', { name: 'Import 1 contact', exact: true })).toBeDisabled();
    await shot(admin, 'contact-import-error');
    // Leaving the column out makes the file right: the preview says so.
    await dialog.getByRole('combobox', { name: 'Column Courriel is' }).selectOption({ label: 'Leave out' });
    await expect(dialog.getByRole('status')).toContainText('2 lines: 2 new contacts, 0 updated.');
    await dialog.getByRole('combobox', { name: 'Column Courriel is' }).selectOption({ label: 'Email' });
    await expect(dialog.getByRole('alert')).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await admin.getByRole('searchbox', { name: 'Search contacts' }).fill(`nell ${stamp}`);
    await expect(admin.getByText('No contact matches.')).toBeVisible();

    await admin.getByRole('button', { name: 'Import' }).click();
    const good = bad.replace('otto-at-client', `otto${stamp}@client.test`);
    await dialog.locator('input[type=file]').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await expect(dialog.getByRole('status')).toContainText('2 lines: 2 new contacts, 0 updated.');
    await dialog.getByRole('button', { name: 'Import 2 contacts' }).click();
    await expect(admin.getByText('Imported: 2 new contacts, 0 updated.')).toBeVisible();
    await admin.getByRole('searchbox', { name: 'Search contacts' }).fill(String(stamp));
    await expect(admin.getByRole('link', { name: `Otto ${stamp}` })).toBeVisible();
    await expect(admin.getByRole('link', { name: `Nell ${stamp}` })).toBeVisible();

    const download = admin.waitForEvent('download');
    await admin.getByRole('link', { name: 'Export CSV' }).click();
    const file = await (await download).path();
    const text = (await import('node:fs')).readFileSync(file!, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^id,name,email,phone,owner,company,created_at/);
    expect(text).toContain(`Nell ${stamp},nell${stamp}@client.test,'+1 555 0100`);
  });
});

// Companies (SPEC CRM-1): the company at a contact's domain is suggested
// in the sidebar and attached by a click; its page lists its contacts and
// their conversations; deleting it asks first and leaves the contact.
test('a company is suggested by its domain, attached, shown with its contacts and conversations, and deleted after asking', async ({ browser, parley }) => {
  const stamp = Date.now();
  const inbox = await parley.inbox('Companies desk');
  await parley.api('POST', '/companies', { name: `Globex ${stamp}`, domain: `https://www.globex${stamp}.test/` });
  await parley.push(inbox.channel, { email: `hank@globex${stamp}.test`, name: `Hank ${stamp}` }, 'Our contract', `Contract ${stamp}`);
  await parley.push(inbox.channel, { email: `ivy@globex${stamp}.test`, name: `Ivy ${stamp}` }, 'Also us', `Also ${stamp}`);
  const page = await signIn(browser, parley, await parley.user('Cora Company'));

  await page.getByRole('link', { name: new RegExp(`Contract ${stamp}`) }).first().click();
  const side = page.getByRole('complementary', { name: 'Contact' });
  await expect(side).toContainText(`Works at Globex ${stamp} (globex${stamp}.test)?`);
  await side.getByRole('button', { name: 'Attach' }).click();
  await side.getByRole('link', { name: `Globex ${stamp}` }).click();

  await expect(page).toHaveURL(/\/companies\/\d+$/);
  await expect(page.getByRole('heading', { level: 2, name: `Globex ${stamp}` })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Contacts' }).getByRole('link', { name: `Hank ${stamp}` })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Conversations' }).getByRole('link', { name: `Contract ${stamp}` })).toBeVisible();
  // Ivy is at the domain too: offered on the company's page, attached by a click.
  const suggested = page.getByRole('region', { name: `At globex${stamp}.test, without a company` });
  await suggested.getByRole('button', { name: `Attach Ivy ${stamp} to the company` }).click();
  await expect(page.getByRole('region', { name: 'Contacts' }).getByRole('link', { name: `Ivy ${stamp}` })).toBeVisible();
  await expect(suggested).toBeHidden();
  await page.getByRole('button', { name: 'Edit company' }).click();
  await page.getByRole('form', { name: 'Edit company' }).getByLabel('Domain').fill('not a domain');
  await page.getByRole('form', { name: 'Edit company' }).getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('This is not a domain name such as example.com.')).toBeVisible();
  await page.getByRole('form', { name: 'Edit company' }).getByRole('button', { name: 'Cancel' }).click();
  await shot(page, 'company-page');

  await page.getByRole('button', { name: 'Delete company' }).click();
  const ask = page.getByRole('dialog', { name: `Delete Globex ${stamp}?` });
  await expect(ask).toContainText('Its 2 contacts stay, without a company');
  await ask.getByRole('button', { name: 'Delete company' }).click();
  await expect(page).toHaveURL(/\/companies$/);
  await page.getByRole('searchbox', { name: 'Search companies' }).fill(`globex${stamp}`);
  await expect(page.getByText('No company matches.')).toBeVisible();
  await page.goto('/contacts');
  await page.getByRole('searchbox', { name: 'Search contacts' }).fill(`hank ${stamp}`);
  await expect(page.getByRole('link', { name: `Hank ${stamp}` })).toBeVisible();
});

import { test, expect, signIn, shot } from './fixtures';

// Deals (SPEC CRM-1, CRM-2): an admin defines a deal pipeline; an agent
// opens a deal from a conversation, with its contact, and moves it on the
// board by mouse and keyboard; amounts read as each language writes them.
test('an admin defines a deal pipeline; an agent opens a deal from a conversation and moves it on the board', async ({ browser, parley }) => {
  const stamp = Date.now();
  const inbox = await parley.inbox('Deals desk');
  await parley.push(inbox.channel, { email: `dee${stamp}@client.test`, name: `Dee ${stamp}` }, 'We want 40 seats', `Seats ${stamp}`);

  const admin = await signIn(browser, parley, await parley.user('Ada Deals', 'admin'));
  await admin.goto('/settings/deal-pipelines');
  await expect(admin.getByRole('heading', { name: 'Deal pipelines' })).toBeVisible();
  await admin.getByRole('button', { name: 'Add a pipeline' }).click();
  const form0 = admin.getByRole('form', { name: 'Add a pipeline' });
  await form0.getByLabel('Name', { exact: true }).fill(`Sales ${stamp}`);
  await expect(form0.getByRole('textbox', { name: 'Stage 1' })).toHaveValue('Lead');
  await expect(form0.getByRole('textbox', { name: 'Stage 2' })).toHaveValue('Won');
  await form0.getByRole('button', { name: 'Add a stage' }).click();
  await form0.getByRole('textbox', { name: 'Stage 3' }).fill('Proposal');
  await form0.getByRole('button', { name: 'Move Proposal up' }).click();
  await form0.getByRole('button', { name: 'Add a pipeline' }).click();
  await expect(admin.getByRole('listitem', { name: `Sales ${stamp}` })).toContainText('Lead → Proposal → Won');
  const pipeline = (await parley.api('GET', '/pipelines?kind=deal')).items.find((p: { name: string }) => p.name === `Sales ${stamp}`);

  const page = await signIn(browser, parley, await parley.user('Dan Deals'));
  await page.getByRole('link', { name: new RegExp(`Seats ${stamp}`) }).first().click();
  const deals = page.getByRole('complementary', { name: 'Contact' }).getByRole('region', { name: 'Deals' });
  await deals.getByRole('button', { name: 'New deal' }).click();
  const form = deals.getByRole('form', { name: 'New deal' });
  await expect(form.getByLabel('Name')).toHaveValue(`Seats ${stamp}`);
  await form.getByLabel('Amount').fill('12 500,5');
  await form.getByLabel('Currency').fill('eur');
  await form.getByLabel('Close date').fill('2027-01-31');
  await form.getByRole('button', { name: 'Create the deal' }).click();
  await expect(deals.getByRole('listitem', { name: `Seats ${stamp}` })).toContainText('€12,500.50');
  await expect(page.getByText(`Dan Deals created the deal “Seats ${stamp}” in Lead`)).toBeVisible();

  await page.getByRole('link', { name: 'Deals', exact: true }).click();
  await page.getByRole('combobox', { name: 'Pipeline' }).selectOption({ label: `Sales ${stamp}` });
  const column = (stage: string) => page.getByRole('region', { name: new RegExp(`^${stage}:`) });
  const card = page.getByRole('button', { name: new RegExp(`^Seats ${stamp}, in`) });
  await expect(column('Lead')).toContainText(`Seats ${stamp}`);
  await card.dragTo(column('Proposal'));
  await expect(card).toHaveAccessibleName(`Seats ${stamp}, in Proposal`);
  await card.focus();
  await page.keyboard.press('ArrowRight');
  await expect(column('Won')).toContainText(`Seats ${stamp}`);
  await shot(page, 'deal-board');
  const stored = (await parley.api('GET', `/deals?pipeline_id=${pipeline.id}`)).items[0];
  expect(stored.status).toBe('closed');
  expect(stored.contact_ids).toHaveLength(1);

  // Opened from the board, the deal takes another contact and a company
  // made on the spot; its first contact comes off.
  const buyer = await parley.api('POST', '/contacts', { name: `Buyer ${stamp}` });
  await card.click();
  const dialog = page.getByRole('dialog', { name: `Seats ${stamp}` });
  const contacts = dialog.getByRole('group', { name: 'Contacts' });
  await expect(contacts.getByRole('listitem')).toHaveText([`Dee ${stamp} ×`]);
  await contacts.getByRole('searchbox', { name: 'Find a contact' }).fill(`Buyer ${stamp}`);
  await contacts.getByRole('list', { name: 'Contacts found' }).getByRole('button', { name: `Buyer ${stamp}` }).click();
  await contacts.getByRole('button', { name: `Take off Dee ${stamp}` }).click();
  const company = dialog.getByRole('group', { name: 'Company' });
  await company.getByRole('searchbox', { name: 'Find a company' }).fill(`Seatco ${stamp}`);
  await company.getByRole('button', { name: `Create “Seatco ${stamp}”` }).click();
  await expect(company.getByRole('listitem')).toHaveText([`Seatco ${stamp} ×`]);
  await shot(page, 'deal-dialog');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  const edited = await parley.api('GET', `/deals/${stored.id}`);
  expect(edited.contact_ids).toEqual([buyer.id]);
  const made = (await parley.api('GET', `/companies?q=${encodeURIComponent(`Seatco ${stamp}`)}`)).items[0];
  expect(edited.company_id).toBe(made.id);

  // In French, the amount and the date read the French way.
  const fr = await signIn(browser, parley, await parley.user('Fanny Affaires'), 'fr-FR');
  await fr.goto(`/deals/${pipeline.id}`);
  await fr.getByRole('button', { name: 'Liste', exact: true }).click();
  await expect(fr.getByRole('row', { name: new RegExp(`Seats ${stamp}`) })).toContainText('12\u202f500,50\u00a0€');
  await shot(fr, 'deal-list-fr');
});

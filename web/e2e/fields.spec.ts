import { test, expect, signIn } from './fixtures';

// Contact fields (SPEC CRM-1): an admin defines typed fields; an agent
// fills them in the sidebar, a value that does not fit refused and put
// back.
test('an admin defines contact fields; an agent fills them in the sidebar, a wrong value refused', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Fields desk');
  await parley.push(inbox.channel, { email: 'fi@client.test', name: 'Fi Client' }, 'Upgrade please', 'Upgrade');
  const stamp = Date.now();
  const admin = await signIn(browser, parley, await parley.user('Ada Fields', 'admin'));
  await admin.goto('/settings/fields');
  await admin.getByRole('button', { name: 'Add a field' }).click();
  let form = admin.getByRole('form', { name: 'Add a field' });
  await form.getByLabel('Label').fill(`Plan ${stamp}`);
  await form.getByLabel('Key').fill(`plan_${stamp}`);
  await form.getByLabel('Type').selectOption('choice');
  await form.getByLabel('Choices, one per line').fill('Free\nPro');
  await form.getByRole('button', { name: 'Add a field' }).click();
  await expect(admin.getByRole('listitem', { name: `Plan ${stamp}` })).toContainText('Free, Pro');
  await admin.getByRole('button', { name: 'Add a field' }).click();
  form = admin.getByRole('form', { name: 'Add a field' });
  await form.getByLabel('Label').fill(`Seats ${stamp}`);
  await form.getByLabel('Key').fill(`seats_${stamp}`);
  await form.getByLabel('Type').selectOption('number');
  await form.getByRole('button', { name: 'Add a field' }).click();
  await expect(admin.getByRole('listitem', { name: `Seats ${stamp}` })).toBeVisible();
  // A field for companies, filled on a company's page.
  await admin.getByRole('button', { name: 'Add a field' }).click();
  form = admin.getByRole('form', { name: 'Add a field' });
  await form.getByLabel('Label').fill(`Employees ${stamp}`);
  await form.getByLabel('Key').fill(`employees_${stamp}`);
  await form.getByLabel('For').selectOption('company');
  await form.getByLabel('Type').selectOption('number');
  await form.getByRole('button', { name: 'Add a field' }).click();
  await expect(admin.getByRole('listitem', { name: `Employees ${stamp}` })).toContainText('Companies · Number');
  const company = await parley.api('POST', '/companies', { name: `Fieldco ${stamp}` });
  await admin.goto(`/companies/${company.id}`);
  const employees = admin.getByLabel(`Employees ${stamp}`);
  await employees.fill('many');
  await employees.blur();
  await expect(admin.getByText('This value does not fit the field')).toBeVisible();
  await expect(employees).toHaveValue('');
  await employees.fill('1200');
  await employees.blur();
  await admin.reload();
  await expect(admin.getByLabel(`Employees ${stamp}`)).toHaveValue('1200');

  const agent = await signIn(browser, parley, await parley.user('Fin Fields'));
  await agent.getByRole('link', { name: /Upgrade/ }).first().click();
  const pane = agent.getByRole('complementary', { name: 'Contact' });
  await pane.getByLabel(`Plan ${stamp}`).selectOption('Pro');
  const seats = pane.getByLabel(`Seats ${stamp}`);
  await seats.fill('twelve');
  await seats.press('Enter');
  await seats.blur();
  await expect(agent.getByText('This value does not fit the field')).toBeVisible();
  await expect(seats).toHaveValue('');
  await seats.fill('12');
  await seats.blur();
  await agent.reload();
  await expect(agent.getByRole('complementary', { name: 'Contact' }).getByLabel(`Plan ${stamp}`)).toHaveValue('Pro');
  await expect(agent.getByRole('complementary', { name: 'Contact' }).getByLabel(`Seats ${stamp}`)).toHaveValue('12');
});

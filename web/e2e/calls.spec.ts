import { test, expect, signIn, shot } from './fixtures';

// Calls (SPEC CHN-8): logged from the app on a conversation or as a new
// one, and shown as calls in the thread.

/** local is a time as a datetime-local input takes it, in the browser's zone. */
function local(d: Date) {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

test('a call is logged from the app on a conversation, kept through a refused field, and shows in the thread', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Phone desk');
  const pushed = await parley.push(inbox.channel, { email: 'rita@client.test', name: 'Rita Refund' }, 'Where is my refund?', 'Refund');
  const page = await signIn(browser, parley, await parley.user('Paul Phone'));
  await page.goto(`/inbox/all/all/c/${pushed.conversation_id}`);
  await expect(page.getByRole('heading', { name: 'Refund', exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Log a call' }).click();
  const dialog = page.getByRole('dialog', { name: 'Log a call' });
  await dialog.getByLabel('Direction').selectOption({ label: 'Outgoing call' });
  await dialog.getByLabel('From number').fill('+33 1 40 00 00 00');
  await dialog.getByLabel('To number').fill('+33 6 12 34 56 78');
  // A start tomorrow: the server refuses it, and says so at the field.
  await dialog.getByLabel('Started at').fill(local(new Date(Date.now() + 24 * 3600e3)));
  await dialog.getByLabel('Duration, minutes').fill('2');
  await dialog.getByLabel('Duration, seconds').fill('5');
  await dialog.getByLabel('Outcome').selectOption({ label: 'Voicemail' });
  await dialog.getByLabel('Recording link (optional)').fill('https://pbx.example/rec/42.mp3');
  await dialog.getByLabel('Notes').fill('Left a message about the refund.');
  await dialog.getByRole('button', { name: 'Log the call' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Check “Started at”: Parley could not accept it.');
  await expect(dialog.getByLabel('Started at')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByLabel('Notes')).toHaveValue('Left a message about the refund.');
  await expect(dialog.getByLabel('To number')).toHaveValue('+33 6 12 34 56 78');

  const started = new Date(Date.now() - 10 * 60e3);
  await dialog.getByLabel('Started at').fill(local(started));
  await dialog.getByRole('button', { name: 'Log the call' }).click();
  await expect(dialog).toBeHidden();

  const entry = page.getByRole('listitem', { name: /Paul Phone/ }).filter({ hasText: 'Outgoing call' });
  await expect(entry).toContainText('Voicemail');
  await expect(entry).toContainText('+33 1 40 00 00 00 → +33 6 12 34 56 78');
  await expect(entry).toContainText('Duration 2:05');
  await expect(entry).toContainText('Left a message about the refund.');
  const recording = entry.getByRole('link', { name: 'Listen to the recording' });
  await expect(recording).toHaveAttribute('href', 'https://pbx.example/rec/42.mp3');
  await expect(recording).toHaveAttribute('target', '_blank');
  await expect(recording).toHaveAttribute('rel', 'noopener noreferrer');
  await shot(page, 'call-logged');

  // As stored: every field.
  const timeline = await parley.api('GET', `/conversations/${pushed.conversation_id}/timeline`);
  const call = timeline.items.map((i: any) => i.message?.call).find(Boolean);
  expect(call).toEqual({
    direction: 'outbound',
    from: '+33 1 40 00 00 00',
    to: '+33 6 12 34 56 78',
    started_at: new Date(Math.floor(started.getTime() / 60e3) * 60e3).toISOString().replace('.000Z', 'Z'),
    duration: 125,
    outcome: 'voicemail',
    recording_url: 'https://pbx.example/rec/42.mp3',
  });
});

test('an admin adds a call channel; an agent logs a call that opens a new conversation', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Sales line');
  const admin = await signIn(browser, parley, await parley.user('Ada Admin', 'admin'));
  await admin.goto('/settings/channels');
  await admin.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Sales line' });
  await admin.getByRole('button', { name: 'Add a call channel' }).click();
  const channel = admin.getByRole('region', { name: 'Phone' });
  await expect(channel).toContainText('Your phone system logs each call here');
  await expect(channel.locator('code.token')).toHaveText(/^POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/channels\/\d+\/calls$/);

  const page = await signIn(browser, parley, await parley.user('Cleo Caller'));
  await page.getByRole('navigation').getByRole('button', { name: 'Log a call' }).click();
  const dialog = page.getByRole('dialog', { name: 'Log a call' });
  await dialog.getByLabel('Inbox').selectOption({ label: 'Sales line' });
  await dialog.getByLabel('From number').fill('+33 6 55 44 33 22');
  await dialog.getByLabel('To number').fill('+33 1 40 00 00 01');
  await dialog.getByLabel('Customer’s name (optional)').fill('Carla Quote');
  await dialog.getByLabel('Duration, minutes').fill('7');
  await dialog.getByLabel('Notes').fill('Wants a quote for 40 seats.');
  await dialog.getByRole('button', { name: 'Log the call' }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByRole('heading', { name: 'Wants a quote for 40 seats.' })).toBeVisible();
  await expect(page.locator('.thread-head')).toContainText('Carla Quote · Sales line');
  const entry = page.getByRole('listitem', { name: /Carla Quote/ });
  await expect(entry).toContainText('Incoming call');
  await expect(entry).toContainText('Answered');
  await expect(entry).toContainText('+33 6 55 44 33 22 → +33 1 40 00 00 01');
  await expect(entry).toContainText('Duration 7:00');
  const id = Number(/\/c\/(\d+)/.exec(page.url())?.[1]);
  const c = await parley.api('GET', `/conversations/${id}`);
  expect(c.inbox_id).toBe(inbox.id);
  expect(c.channel_label).toBe('calls');
});

test('a call reads in French and the log form fits a phone', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Ligne client');
  const ch = await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'call', name: 'Standard' });
  const logged = await parley.api('POST', `/channels/${ch.id}/calls`, {
    call: { direction: 'outbound', from: '+33 1 40 00 00 02', to: '+33 6 98 76 54 32', started_at: new Date(Date.now() - 3600e3).toISOString(), duration: 3725, outcome: 'voicemail', recording_url: 'https://pbx.example/rec/7.mp3' },
    notes: 'Rappeler jeudi pour le devis.',
    contact: { name: 'Jean Dupont' },
  });
  const page = await signIn(browser, parley, await parley.user('Zoé Mobile'), 'fr-FR');
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`/inbox/all/all/c/${logged.conversation_id}`);
  const entry = page.locator('.entry', { hasText: 'Appel sortant' });
  await expect(entry).toContainText('Messagerie vocale');
  await expect(entry).toContainText('Durée 1:02:05');
  await expect(entry.getByRole('link', { name: 'Écouter l’enregistrement' })).toBeVisible();
  await expect(entry).toContainText('Rappeler jeudi pour le devis.');
  await shot(page, 'call-fr-phone');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await page.getByRole('button', { name: 'Autres actions' }).click();
  await page.getByRole('menuitem', { name: 'Consigner un appel' }).click();
  const dialog = page.getByRole('dialog', { name: 'Consigner un appel' });
  await expect(dialog.getByLabel('Sens')).toHaveValue('inbound');
  await dialog.getByLabel('Numéro appelant').fill('appelez-moi');
  await dialog.getByLabel('Numéro appelé').fill('+33 1 40 00 00 02');
  await dialog.getByRole('button', { name: 'Consigner l’appel' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Ce n’est pas un numéro de téléphone : chiffres, espaces et + ( ) - . seulement.');
  await shot(page, 'call-dialog-fr-phone');
  const box = await dialog.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(390);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { test, expect, signIn, shot } from './fixtures';

// Allowing private targets is the organisation's and an endpoint for
// conversation events would hear every other test's: a server of its own.
test.use({ ownServer: true });

// holdReads holds the page's reads of path (an API path) until the
// function it returns is called, which lets them answer and waits until the
// page has drawn the first: a form's first read can answer after an admin
// began to type, and what they typed must stay.
async function holdReads(page: Page, path: string): Promise<() => Promise<void>> {
  let answer = () => {};
  const typed = new Promise<void>((resolve) => (answer = resolve));
  await page.route(`**${path}`, async (route) => {
    if (route.request().method() === 'GET') await typed;
    await route.continue();
  });
  return async () => {
    const read = page.waitForResponse((r) => r.url().endsWith(path) && r.request().method() === 'GET');
    answer();
    await read;
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  };
}

type Received = { headers: IncomingHttpHeaders; body: string; type: string };

// A receiver on loopback: it records what it is sent and answers what
// the test says.
async function receiver() {
  const got: Received[] = [];
  const box = { status: 200, got, url: '' };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body, type: JSON.parse(body).type });
      res.writeHead(box.status).end(box.status === 200 ? 'thanks' : 'down for maintenance');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  box.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { box, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

// The Standard Webhooks signature: HMAC-SHA256 of "id.timestamp.body"
// with the secret after its whsec_ prefix, base64, as "v1,<sig>".
function verify(secret: string, r: Received) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = `${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`;
  const want = createHmac('sha256', key).update(signed).digest('base64');
  return String(r.headers['webhook-signature']).split(' ').includes(`v1,${want}`);
}

test('an admin adds a signed webhook for conversation events, tests it, reads its log, re-sends, turns it off and deletes it', async ({ browser, parley }) => {
  const { box, close } = await receiver();
  try {
    const page = await signIn(browser, parley, await parley.user('Will Webhook', 'admin'));
    await page.goto('/settings/webhooks');
    await expect(page.getByText('No endpoint yet.')).toBeVisible();

    // A receiver on loopback is refused until private addresses are allowed.
    await page.getByRole('button', { name: 'Add an endpoint' }).click();
    const form = page.getByRole('form', { name: 'Add an endpoint' });
    await form.getByLabel('Endpoint URL').fill(box.url);
    await form.getByLabel('Description').fill('Our CRM');
    await form.getByLabel('Only these').check();
    await form.getByRole('button', { name: 'Add an endpoint' }).click();
    await expect(form.getByRole('alert')).toHaveText('Choose at least one event.');
    await form.getByLabel('All conversation events').check();
    await form.getByRole('button', { name: 'Add an endpoint' }).click();
    await expect(page.getByText(/This address is on a private network/).first()).toBeVisible();
    await page.getByLabel('Allow addresses on private networks').click();
    await page.getByRole('dialog', { name: 'Allow calls to private networks?' }).getByRole('button', { name: 'Allow private addresses' }).click();
    await expect(page.getByText('Private addresses allowed.').first()).toBeVisible();
    await expect(page.getByLabel('Allow addresses on private networks')).toBeChecked();
    await form.getByRole('button', { name: 'Add an endpoint' }).click();

    // Made: opened with its secret shown once, for the receiver.
    const card = page.getByRole('region', { name: box.url });
    await expect(card).toContainText('Our CRM');
    await expect(card).toContainText('1 event type');
    const secret = (await card.locator('.secret code').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);

    await card.getByRole('button', { name: 'Send a test event' }).click();
    await expect(page.getByText('The endpoint answered 200.').first()).toBeVisible();
    expect(box.got.map((r) => r.type)).toEqual(['webhook.test']);
    expect(verify(secret, box.got[0])).toBe(true);

    // A conversation comes in: the event goes out signed and shows in the log.
    const inbox = await parley.inbox('Hooked desk');
    await parley.push(inbox.channel, { email: 'hook@client.test', name: 'Hu Hook' }, 'Where is my order?', 'Order 1');
    await expect.poll(() => box.got.map((r) => r.type)).toContain('conversation.created');
    const created = box.got.find((r) => r.type === 'conversation.created')!;
    expect(verify(secret, created)).toBe(true);
    expect(box.got.every((r) => r.type.startsWith('conversation.') || r.type === 'webhook.test')).toBe(true);
    const log = page.getByRole('region', { name: 'Delivery log' });
    const row = log.getByRole('row', { name: /conversation\.created/ });
    await expect(row).toContainText('Delivered', { timeout: 10_000 });

    // The receiver fails: the next event waits, its attempts in the log.
    box.status = 500;
    await parley.push(inbox.channel, { email: 'hook2@client.test', name: 'Ha Hook' }, 'And mine?', 'Order 2');
    await expect.poll(() => box.got.filter((r) => r.type === 'conversation.created').length).toBe(2);
    const waiting = log.getByRole('row', { name: /conversation\.created/ }).filter({ hasText: 'Waiting' });
    await expect(waiting).toContainText('500', { timeout: 10_000 });
    await waiting.getByRole('button', { name: /^Details of conversation\.created/ }).click();
    await expect(log).toContainText('down for maintenance');
    await expect(log).toContainText(/Next try/);
    await shot(page, 'webhook-log');

    // Back up: the waiting one is tried at once, not at its next retry.
    box.status = 200;
    await waiting.getByRole('button', { name: 'Send again' }).click();
    await expect(log.getByRole('row', { name: /conversation\.created/ }).filter({ hasText: 'Delivered' })).toHaveCount(2, { timeout: 10_000 });
    // A delivered one sent again carries the same webhook-id.
    const firstID = created.headers['webhook-id'];
    await row.last().getByRole('button', { name: 'Send again' }).click();
    await expect(page.getByText('Queued to send again, with the same webhook-id.').first()).toBeVisible();
    await expect.poll(() => box.got.filter((r) => r.headers['webhook-id'] === firstID).length).toBe(2);

    // Off, then on; then deleted after a confirmation.
    await card.getByRole('button', { name: 'Turn off' }).click();
    await expect(card.locator('.chip')).toHaveText('Off');
    await card.getByRole('button', { name: 'Turn on' }).click();
    await expect(card.locator('.chip')).toHaveText('On');
    await card.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this endpoint?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(card).toBeVisible();
    await card.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: `Delete ${box.url}` }).click();
    await expect(page.getByText('No endpoint yet.')).toBeVisible();
    const left = await parley.api('GET', '/webhooks');
    expect(left.items).toEqual([]);
  } finally {
    await close();
  }
});

test('the webhooks screen reads in French and fits a phone', async ({ browser, parley }) => {
  await parley.api('PUT', '/outbound-settings', { allow_private_targets: true });
  const made = await parley.api('POST', '/webhooks', { url: 'http://127.0.0.1:9/fr', description: 'Notre CRM', event_types: ['ticket.*'] });
  const page = await signIn(browser, parley, await parley.user('Wanda Webhook', 'admin'), 'fr-FR');
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto('/settings/webhooks');
  await expect(page.getByRole('heading', { name: 'Webhooks' })).toBeVisible();
  await expect(page.getByLabel('Autoriser les adresses des réseaux privés')).toBeChecked();
  await page.getByRole('button', { name: 'Ouvrir http://127.0.0.1:9/fr' }).click();
  await expect(page.getByRole('region', { name: made.url })).toContainText('1 type d’événement');
  await page.getByRole('button', { name: 'Modifier' }).click();
  await expect(page.getByLabel('Tous les événements ticket')).toBeChecked();
  await shot(page, 'webhooks-fr-phone');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await parley.api('DELETE', `/webhooks/${made.id}`);
});

test('a messaging bridge set on an API channel gets an agent’s reply, and its report shows in the thread', async ({ browser, parley }) => {
  const { box, close } = await receiver();
  try {
    await parley.api('PUT', '/outbound-settings', { allow_private_targets: true });
    const inbox = await parley.inbox('SMS desk');
    const admin = await signIn(browser, parley, await parley.user('Bea Bridge', 'admin'));
    // The channel's bridge is read only once the admin has typed its URL:
    // what they typed stays (it was replaced by the empty answer, and the
    // form then refused to send an empty URL).
    const answer = await holdReads(admin, `/api/v1/channels/${inbox.channel}/bridge`);
    await admin.goto('/settings/channels');
    await admin.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'SMS desk' });
    const bridge = admin.getByRole('region', { name: 'Messaging bridge' });
    await expect(bridge).toContainText('Replies on this channel go nowhere');
    await bridge.getByLabel('Bridge URL').fill(box.url);
    await answer();
    await expect(bridge.getByLabel('Bridge URL')).toHaveValue(box.url);
    await bridge.getByRole('button', { name: 'Set the bridge' }).click();
    await expect(bridge.locator('code.secret')).toHaveText(/^whsec_/);
    const secret = (await bridge.locator('code.secret').textContent()) ?? '';

    // A text comes in from the bridge; an agent answers in the app.
    await parley.push(inbox.channel, { email: 'sam@sms.test', name: 'Sam Sms' }, 'Is my parcel on its way?');
    const page = await signIn(browser, parley, await parley.user('Abe Agent'));
    await page.locator('.conversation', { hasText: 'Sam Sms' }).getByRole('link').click();
    await page.getByRole('textbox', { name: 'Your reply' }).fill('Yes, it left today.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => box.got.length).toBe(1);
    const got = box.got[0];
    expect(verify(secret, got)).toBe(true);
    const sent = JSON.parse(got.body).data;
    expect(sent.contact.email).toBe('sam@sms.test');
    expect(sent.message.text).toContain('Yes, it left today.');
    const reply = page.getByRole('listitem', { name: /Abe Agent/ }).filter({ hasText: 'Yes, it left today.' });
    await expect(reply.locator('.chip.delivery')).toHaveText('Sending');

    // The provider could not deliver it: the bridge says so, and the thread shows it.
    await parley.api('POST', `/messages/${sent.message_id}/delivery`, { status: 'failed', reason: 'Handset off' });
    await expect(reply.locator('.chip.delivery')).toHaveText('Not delivered');
    await expect(page.getByText('A reply could not be delivered: Handset off')).toBeVisible();
    await shot(page, 'bridge-failed');

    // The bridge is removed after a confirmation.
    await bridge.getByRole('button', { name: 'Remove the bridge' }).click();
    await admin.getByRole('dialog', { name: 'Remove this channel’s bridge?' }).getByRole('button', { name: 'Remove the bridge' }).click();
    await expect(bridge).toContainText('Replies on this channel go nowhere');
  } finally {
    await close();
  }
});

test('an inbox posts its new conversations to Slack, in French, with a link back', async ({ browser, parley }) => {
  const { box, close } = await receiver();
  try {
    await parley.api('PUT', '/outbound-settings', { allow_private_targets: true });
    const inbox = await parley.inbox('Slacked desk');
    const page = await signIn(browser, parley, await parley.user('Sol Slack', 'admin'));
    // As with the bridge: the inbox's Slack settings answer once all is chosen.
    const answer = await holdReads(page, `/api/v1/inboxes/${inbox.id}/slack`);
    await page.goto('/settings/inboxes');
    await page.getByRole('button', { name: 'Edit Slacked desk' }).click();
    const slack = page.getByRole('region', { name: 'Post Slacked desk to Slack' });
    await slack.getByLabel('Incoming webhook URL').fill(box.url);
    await slack.getByLabel('Post assignments too').check();
    await slack.getByLabel('Language of the posts').selectOption('fr');
    await answer();
    await expect(slack.getByLabel('Incoming webhook URL')).toHaveValue(box.url);
    await expect(slack.getByLabel('Post assignments too')).toBeChecked();
    await expect(slack.getByLabel('Language of the posts')).toHaveValue('fr');
    await slack.getByRole('button', { name: 'Start posting' }).click();
    await expect(slack.getByRole('button', { name: 'Send a test post' })).toBeVisible();
    await slack.getByRole('button', { name: 'Send a test post' }).click();
    await expect(page.getByText('Test posted.').first()).toBeVisible();
    expect(JSON.parse(box.got[0].body).text).toContain('Parley est connecté');

    const pushed = await parley.push(inbox.channel, { email: 'kim@client.test', name: 'Kim Client' }, 'Can I change my order?', 'Order change');
    await expect.poll(() => box.got.length).toBe(2);
    expect(JSON.parse(box.got[1].body).text).toBe(
      `Nouvelle conversation dans *Slacked desk* de Kim Client : <${parley.url}/inbox/all/all/c/${pushed.conversation_id}|Order change>`,
    );
    await shot(page, 'slack-settings');

    await slack.getByRole('button', { name: 'Stop posting' }).click();
    await page.getByRole('dialog', { name: 'Stop posting this inbox to Slack?' }).getByRole('button', { name: 'Stop posting' }).click();
    await expect(slack.getByRole('button', { name: 'Start posting' })).toBeVisible();
  } finally {
    await close();
  }
});

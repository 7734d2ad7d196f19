import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, signIn, shot } from './fixtures';

// A site of the customer's on another origin (localhost against Parley's
// 127.0.0.1), serving whatever HTML the test puts on it.
async function site() {
  const box = { html: '', url: '' };
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(box.html);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  box.url = `http://localhost:${(server.address() as AddressInfo).port}`;
  return { box, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

test('an admin builds a form, a visitor sends it from another site, and an agent answers by email', async ({ browser, parley }) => {
  const { box, close } = await site();
  try {
    await parley.inbox('Form desk');
    const admin = await signIn(browser, parley, await parley.user('Fay Form', 'admin'));
    await admin.goto('/settings/channels');
    await admin.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Form desk' });
    await admin.getByRole('button', { name: 'Add a form' }).click();
    const form = admin.getByRole('form', { name: 'Add a form' });
    await form.getByLabel('Name').fill('Contact us');
    await form.getByRole('button', { name: 'Add a field' }).click();
    await form.getByLabel('Label').fill('Order number');
    await form.getByLabel('Required').check();
    await expect(form.getByLabel('Key')).toHaveValue('order_number');
    await form.getByRole('button', { name: 'Add a field' }).click();
    const topic = form.getByRole('group', { name: 'New field' });
    await topic.getByLabel('Label').fill('Topic');
    await form.getByRole('group', { name: 'Topic' }).getByLabel('Type').selectOption({ label: 'Choice' });
    await form.getByRole('group', { name: 'Topic' }).getByLabel('Choices').fill('Billing\nDelivery');
    // A field removed by mistake comes back.
    await form.getByRole('group', { name: 'Topic' }).getByRole('button', { name: 'Remove' }).click();
    await form.getByRole('button', { name: 'Undo' }).click();
    await form.getByLabel('Websites that may post it').fill(box.url);
    await form.getByRole('button', { name: 'Add a form' }).click();
    const card = admin.getByRole('region', { name: 'Contact us' });
    await expect(card.getByText('Its page:')).toBeVisible();
    await card.getByText('Its page:').scrollIntoViewIfNeeded();
    await shot(admin, 'form-settings');
    const snippet = await card.locator('textarea.snippet').nth(1).inputValue();
    expect(snippet).toContain(`action="${parley.url}/f/`);
    box.html = `<!doctype html><html><head><title>Shop</title></head><body><h1>Write to the shop</h1>${snippet}</body></html>`;

    // A visitor on the shop's own site sends it.
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(box.url);
    await visitor.getByLabel('Your name').fill('Vera Visitor');
    await visitor.getByLabel('Your email').fill('vera@shop-customer.test');
    await visitor.getByLabel('Order number').fill('A-2041');
    await visitor.getByLabel('Topic').selectOption('Delivery');
    await visitor.getByRole('button', { name: 'Send' }).click();
    await expect(visitor.getByRole('heading', { name: 'Thank you' })).toBeVisible();
    await expect(visitor.getByText('We have your message and will answer by email.')).toBeVisible();

    // The agent reads it as a form and answers; the answer leaves by email.
    const agent = await signIn(browser, parley, await parley.user('Alan Answer', 'agent'));
    const conv = (await parley.api('GET', '/conversations?view=channel:forms')).items.find((c: { subject: string }) => c.subject === 'Contact us');
    await agent.goto(`/inbox/all/open/c/${conv.id}`);
    const sent = agent.getByText('Sent with the form “Contact us”');
    await expect(sent).toBeVisible();
    const fields = agent.locator('.form-card');
    await expect(fields.getByText('Order number')).toBeVisible();
    await expect(fields.getByText('A-2041')).toBeVisible();
    await expect(fields.getByText('Delivery')).toBeVisible();
    await shot(agent, 'form-thread');
    await agent.getByRole('textbox', { name: 'Your reply' }).click();
    await agent.keyboard.type('Your parcel left this morning.');
    await agent.getByRole('button', { name: /send$/i }).first().click();
    const out = await parley.sent((m) => (m.text ?? '').includes('Your parcel left this morning.'));
    expect(out.to && 'value' in out.to ? out.to.value[0].address : '').toBe('vera@shop-customer.test');
    expect(out.subject).toContain('Contact us');
  } finally {
    await close();
  }
});

test('the hosted form page shows a field error beside its field, in French too', async ({ browser, parley }) => {
  const inbox = await parley.inbox('Formulaires');
  const form = await parley.api('POST', `/inboxes/${inbox.id}/channels`, {
    kind: 'form', name: 'Nous écrire', config: { locale: 'fr', intro: 'Une question sur une commande ?',
      fields: [{ key: 'phone', label: 'Téléphone', type: 'phone', required: true }] },
  });
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await page.goto(`${parley.url}/f/${form.public_key}`);
  await expect(page.getByRole('heading', { name: 'Nous écrire' })).toBeVisible();
  await page.getByLabel('Votre e-mail').fill('pas-un-email');
  await page.getByLabel('Téléphone').fill('appelez-moi');
  await page.getByRole('button', { name: 'Envoyer' }).click();
  await expect(page.getByRole('alert')).toHaveText('Vérifiez les champs signalés ci-dessous.');
  const email = page.getByLabel('Votre e-mail');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveValue('pas-un-email'); // what was typed is kept
  await expect(page.locator('#f-email-error')).toHaveText('Ce n\'est pas une adresse e-mail.');
  await expect(page.locator('#f-phone-error')).toHaveText('Ce n\'est pas un numéro de téléphone.');
  await shot(page, 'form-page-error-fr');
  await email.fill('lea@client.test');
  await page.getByLabel('Téléphone').fill('+33 6 12 34 56 78');
  await page.getByRole('button', { name: 'Envoyer' }).click();
  await expect(page.getByRole('heading', { name: 'Merci' })).toBeVisible();
  // The same page in English when asked.
  await page.goto(`${parley.url}/f/${form.public_key}?lang=en`);
  await expect(page.getByLabel('Your email')).toBeVisible();
});

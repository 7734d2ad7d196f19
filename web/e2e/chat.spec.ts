import { createHmac } from 'node:crypto';
import { test, expect, signIn } from './fixtures';
import { Website, chat, launcher, visit } from './website';

test.describe('live chat', () => {
  test('an admin adds a chat for a website and copies its tag; only that site shows it', async ({ browser, parley }) => {
    const site = await new Website(parley.url).start();
    const other = await new Website(parley.url).start();
    try {
      await parley.inbox('Chat desk');
      const admin = await signIn(browser, parley, await parley.user('Admin Chat', 'admin'));
      await admin.goto('/settings/channels');
      await admin.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Chat desk' });
      await admin.getByRole('button', { name: 'Add a chat to your website' }).click();
      const form = admin.getByRole('region', { name: 'Add a chat to your website' });
      await form.getByLabel('Name').fill('Help');
      await form.getByLabel('Websites that may show it').fill('shop.example/path');
      await form.getByRole('button', { name: 'Add a chat to your website' }).click();
      await expect(admin.getByText('Write each website as its address alone')).toBeVisible();
      await form.getByLabel('Websites that may show it').fill(site.url);
      await form.getByRole('button', { name: 'Add a chat to your website' }).click();
      const card = admin.getByRole('region', { name: 'Help' });
      const tag = await card.locator('code.token').first().textContent();
      expect(tag).toContain(`${parley.url}/widget.js`);
      site.key = other.key = /data-inbox="([^"]+)"/.exec(tag!)![1];
      await card.getByRole('button', { name: 'Copy' }).click();
      await expect(card.getByRole('button', { name: 'Copied' })).toBeVisible();
      // The identity secret for signed-in users: shown on demand, replaced after asking.
      await card.getByText('Signed-in users', { exact: true }).click();
      await card.getByRole('button', { name: 'Show the secret' }).click();
      const secret = await card.getByLabel('Identity secret').textContent();
      expect(secret!.length).toBeGreaterThan(40);
      await card.getByRole('button', { name: 'Make a new secret' }).click();
      await expect(card.getByRole('alert')).toContainText('will be refused at once');
      await card.getByRole('button', { name: 'Make a new secret' }).click();
      await expect(admin.getByText('New secret made: update your server.')).toBeVisible();
      await expect(card.getByLabel('Identity secret')).not.toHaveText(secret!);

      // The allowed site shows it, unbroken by the site's CSS; another does not.
      const visitor = await visit(browser, site.url);
      await expect(launcher(visitor)).toBeVisible();
      const box = await launcher(visitor).boundingBox();
      expect(box?.width).toBe(56);
      const stranger = await visit(browser, other.url);
      await expect(stranger.getByRole('heading', { name: 'Welcome to the shop' })).toBeVisible();
      await expect(stranger.locator('parley-chat')).toHaveCount(0);
      // #parley-chat-open opens it on load.
      const linked = await visit(browser, `${site.url}/#parley-chat-open`);
      await expect(chat(linked).getByRole('textbox')).toBeVisible();
      const frame = await linked.locator('parley-chat iframe').boundingBox();
      expect(frame?.width).toBe(370);
    } finally {
      await site.close();
      await other.close();
    }
  });

  test('a visitor chats with an agent both ways, in their language, and a dropped connection loses and repeats nothing', async ({ browser, parley }) => {
    const site = await new Website(parley.url).start();
    try {
      const inbox = await parley.inbox('Web shop');
      const ch = await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'chat', name: 'Shop chat', config: { allowed_origins: [site.url] } });
      site.key = ch.public_key;
      const visitor = await visit(browser, `${site.url}/pricing`, 'fr-FR');
      await launcher(visitor).click();
      const frame = chat(visitor);
      await expect(frame.getByText('Posez-nous vos questions')).toBeVisible();
      await frame.getByRole('textbox').fill('Bonjour, ma commande est-elle partie ?');
      await frame.getByRole('button', { name: 'Envoyer' }).click();
      await expect(frame.getByText('Bonjour, ma commande est-elle partie ?')).toBeVisible();

      const agent = await signIn(browser, parley, await parley.user('Agent Chat'));
      await agent.goto('/');
      await agent.getByRole('link', { name: /ma commande est-elle partie/ }).first().click();
      await expect(agent.getByRole('listitem', { name: /Website visitor/ }).first()).toBeVisible();
      await expect(agent.getByRole('link', { name: `${site.url}/pricing` })).toBeVisible();
      // Typing shows both ways, and the agent sees the visitor is there.
      await expect(agent.getByText('The visitor has the chat open')).toBeVisible();
      // Typing is a hint, dropped rather than queued when a stream is
      // behind: the visitor types on until the agent is told.
      await expect(async () => {
        await frame.getByRole('textbox').pressSequentially('Et la facture ');
        await expect(agent.getByText('The visitor is typing…')).toBeVisible({ timeout: 3000 });
      }).toPass({ timeout: 20_000 });
      await frame.getByRole('textbox').fill('');
      await agent.getByRole('textbox', { name: 'Your reply' }).pressSequentially('Oui');
      await expect(frame.getByText('Agent Chat écrit…')).toBeVisible();
      await agent.getByRole('textbox', { name: 'Your reply' }).fill('Oui, ce matin.');
      await agent.getByText('Attach', { exact: true }).locator('..').locator('input[type=file]').setInputFiles({
        name: 'suivi.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4 tracking'),
      });
      await expect(agent.getByRole('button', { name: 'Remove suivi.pdf' })).toBeVisible();
      await agent.getByRole('button', { name: /^Send/ }).click();
      await expect(frame.getByText('Oui, ce matin.')).toBeVisible();
      // Files both ways: the agent's document, the visitor's photo.
      await expect(frame.getByRole('link', { name: 'suivi.pdf' })).toBeVisible();
      await frame.getByLabel('Joindre un fichier').setInputFiles({ name: 'colis.png', mimeType: 'image/png', buffer: Buffer.from('\x89PNG\r\n\x1a\n' + 'x'.repeat(40)) });
      await expect(frame.getByRole('img', { name: 'colis.png' })).toBeVisible();
      await expect(agent.getByRole('link', { name: /colis.png/ }).first()).toBeVisible();
      await expect(frame.getByText('Agent Chat')).toBeVisible();

      // The server goes away; the visitor writes meanwhile; when it is back
      // the message goes, once, and nothing shows twice.
      await parley.restart(async () => {
        await expect(frame.getByText('Reconnexion…')).toBeVisible();
        await frame.getByRole('textbox').fill('Merci !');
        await frame.getByRole('textbox').press('Enter');
        await expect(frame.getByText('Envoi…')).toBeVisible();
      });
      await expect(frame.getByText('Envoi…')).toHaveCount(0, { timeout: 20_000 });
      await expect(frame.getByText('Merci !')).toHaveCount(1);
      await expect(agent.getByRole('region', { name: 'Conversation' }).getByText('Merci !')).toHaveCount(1);
      await expect(frame.getByText('Oui, ce matin.')).toHaveCount(1);

      // A reload finds the conversation again: the identity stayed on the site.
      await visitor.reload();
      await launcher(visitor).click();
      await expect(chat(visitor).getByText('Oui, ce matin.')).toBeVisible();
      await expect(chat(visitor).getByText('Merci !')).toHaveCount(1);
    } finally {
      await site.close();
    }
  });

  test('an admin targets a flow at pricing pages with its own welcome and look, reorders, and deletes with undo; outside business hours the away message shows', async ({ browser, parley }) => {
    const site = await new Website(parley.url).start();
    try {
      const inbox = await parley.inbox('Flow desk');
      const ch = await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'chat', name: 'Flow chat', config: { allowed_origins: [site.url] } });
      site.key = ch.public_key;
      const admin = await signIn(browser, parley, await parley.user('Admin Flow', 'admin'));
      await admin.goto('/settings/chat');
      await admin.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Flow desk' });
      await expect(admin.getByText('No chat flow: the chat shows on every page')).toBeVisible();

      await admin.getByRole('button', { name: 'Add a chat flow' }).click();
      const form = admin.getByRole('form', { name: 'Add a chat flow' });
      await form.getByLabel('Name', { exact: true }).fill('Pricing');
      await form.getByRole('button', { name: 'Only on some pages…' }).click();
      await form.getByLabel('How', { exact: true }).selectOption('starts_with');
      await form.getByLabel('Value', { exact: true }).fill(`${site.url}/pricing/*`);
      await form.getByLabel('Welcome message').fill('Questions about plans?');
      await form.getByLabel('Pop it up beside the launcher on large screens').check();
      await form.getByLabel('Words on the launcher').fill('Ask us');
      await form.getByLabel('Colour').fill('#ff6600');
      // The preview follows the form.
      const preview = admin.getByRole('figure', { name: 'Preview' });
      await expect(preview.getByText('Questions about plans?').first()).toBeVisible();
      await expect(preview.getByText('Ask us')).toBeVisible();
      await form.getByRole('button', { name: 'Add a chat flow' }).click();
      await expect(admin.getByRole('listitem', { name: 'Pricing' })).toContainText('1 page rules');

      const pricing = await visit(browser, `${site.url}/pricing/team`);
      await expect(launcher(pricing)).toContainText('Ask us');
      await expect(pricing.locator('parley-chat').getByText('Questions about plans?')).toBeVisible();
      const home = await visit(browser, `${site.url}/`);
      await expect(home.getByRole('heading', { name: 'Welcome to the shop' })).toBeVisible();
      await expect(home.locator('parley-chat')).toHaveCount(0);

      // A second flow, everywhere, open during hours that never come.
      await admin.getByRole('button', { name: 'Add a chat flow' }).click();
      const second = admin.getByRole('form', { name: 'Add a chat flow' });
      await second.getByLabel('Name', { exact: true }).fill('After hours');
      await second.getByLabel('When it is open', { exact: true }).selectOption('hours');
      await second.getByRole('textbox', { name: 'Away message' }).fill('Back on Monday at nine.');
      await second.getByRole('button', { name: 'Add a chat flow' }).click();
      await expect(admin.getByRole('listitem', { name: 'After hours' })).toBeVisible();
      const closed = await visit(browser, `${site.url}/`);
      await launcher(closed).click();
      await expect(chat(closed).getByText('Back on Monday at nine.')).toBeVisible();

      // Moved first, it shows on pricing pages too.
      await admin.getByRole('button', { name: 'Move After hours up' }).click();
      await expect(admin.getByRole('list', { name: 'Chat flows' }).getByRole('listitem').first()).toHaveAccessibleName('After hours');
      const moved = await visit(browser, `${site.url}/pricing/team`);
      await expect(launcher(moved)).not.toContainText('Ask us');

      // Deleting asks first, and can be undone, in its place.
      const row = admin.getByRole('listitem', { name: 'After hours' });
      await row.getByRole('button', { name: 'Delete' }).click();
      await expect(row.getByRole('alert')).toHaveText('Delete “After hours”?');
      await row.getByRole('button', { name: 'Delete' }).click();
      await expect(admin.getByRole('listitem', { name: 'After hours' })).toHaveCount(0);
      await admin.getByRole('button', { name: 'Undo' }).click();
      await expect(admin.getByRole('list', { name: 'Chat flows' }).getByRole('listitem').first()).toHaveAccessibleName('After hours');
    } finally {
      await site.close();
    }
  });

  test('email capture comes first when configured, and explicit consent blocks sending until the visitor agrees', async ({ browser, parley }) => {
    const site = await new Website(parley.url).start();
    try {
      const inbox = await parley.inbox('Consent desk');
      const ch = await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'chat', name: 'Consent chat', config: { allowed_origins: [site.url] } });
      site.key = ch.public_key;
      await parley.api('POST', `/inboxes/${inbox.id}/chat-flows`, {
        name: 'Careful',
        enabled: true,
        email_capture: { when: 'first', text: 'Your email, please?' },
        consent: { processing: 'explicit', text: 'I agree that Acme keeps this conversation.', subscription: 'Newsletter' },
      });
      const visitor = await visit(browser, site.url);
      await launcher(visitor).click();
      const frame = chat(visitor);
      await expect(frame.getByText('Your email, please?')).toBeVisible();
      await expect(frame.getByRole('button', { name: 'Send' })).toBeDisabled();
      await frame.getByRole('textbox', { name: 'Email' }).fill('lou@visitor.test');
      await frame.getByRole('button', { name: 'Continue' }).click();

      await expect(frame.getByText('I agree that Acme keeps this conversation.')).toBeVisible();
      await expect(frame.getByRole('button', { name: 'Send' })).toBeDisabled();
      await frame.getByRole('checkbox', { name: 'Keep me informed: Newsletter' }).check();
      await frame.getByRole('button', { name: 'I agree' }).click();
      await frame.getByRole('textbox', { name: 'Write a message…' }).fill('Hello with consent');
      await frame.getByRole('button', { name: 'Send' }).click();
      await expect(frame.getByText('Hello with consent')).toBeVisible();
      await expect(frame.getByText('Sending…')).toHaveCount(0);

      const list = await parley.api('GET', `/conversations?inbox=${inbox.id}&view=open`);
      const conv = list.items.find((c: { preview: string }) => c.preview === 'Hello with consent');
      expect(conv.contact.email).toBe('lou@visitor.test');
      const consents = await parley.api('GET', `/contacts/${conv.contact.id}/consents`);
      expect(consents.items.map((c: { kind: string; text: string }) => [c.kind, c.text])).toEqual([
        ['processing', 'I agree that Acme keeps this conversation.'],
        ['subscription', 'Newsletter'],
      ]);
      // The agent sees them beside the conversation.
      const agent = await signIn(browser, parley, await parley.user('Agent Consent'));
      await agent.getByRole('link', { name: /Hello with consent/ }).first().click();
      await expect(agent.getByText('I agree that Acme keeps this conversation.')).toBeVisible();
      await expect(agent.getByText('Subscribed to')).toBeVisible();
    } finally {
      await site.close();
    }
  });

  test('a signed-in user of the site finds their conversation on another device', async ({ browser, parley }) => {
    const site = await new Website(parley.url).start();
    try {
      const inbox = await parley.inbox('Members desk');
      const ch = await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'chat', name: 'Members chat', config: { allowed_origins: [site.url] } });
      const { secret } = await parley.api('GET', `/channels/${ch.id}/identity-secret`);
      // As README tells the site's server to.
      const payload = Buffer.from(JSON.stringify({ id: '42', email: 'member@shop.test', name: 'Mia Member', exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url');
      site.key = ch.public_key;
      site.identity = payload + '.' + createHmac('sha256', secret).update(payload).digest('hex');

      const phone = await visit(browser, site.url);
      await launcher(phone).click();
      await chat(phone).getByRole('textbox').fill('Sent from my phone');
      await chat(phone).getByRole('button', { name: 'Send' }).click();
      await expect(chat(phone).getByText('Sending…')).toHaveCount(0);

      const laptop = await visit(browser, site.url); // another browser: nothing shared but the identity
      await launcher(laptop).click();
      await expect(chat(laptop).getByText('Sent from my phone')).toBeVisible();
      const list = await parley.api('GET', `/conversations?inbox=${inbox.id}&view=open`);
      expect(list.items[0].contact).toMatchObject({ name: 'Mia Member', email: 'member@shop.test' });
    } finally {
      await site.close();
    }
  });

  test('a visitor who left is answered by email, and their email answer comes back into the chat', async ({ browser, parley }) => {
    const site = await new Website(parley.url).start();
    try {
      const inbox = await parley.inbox('Offline desk');
      const ch = await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'chat', name: 'Offline chat', config: { allowed_origins: [site.url] } });
      await parley.api('POST', `/inboxes/${inbox.id}/chat-flows`, { name: 'Ask first', enabled: true, email_capture: { when: 'first' } });
      site.key = ch.public_key;
      const context = await browser.newContext();
      let visitor = await context.newPage();
      await visitor.goto(site.url);
      await launcher(visitor).click();
      await chat(visitor).getByRole('textbox', { name: 'Email' }).fill('left@visitor.test');
      await chat(visitor).getByRole('button', { name: 'Continue' }).click();
      await chat(visitor).getByRole('textbox', { name: 'Write a message…' }).fill('Please call me back');
      await chat(visitor).getByRole('button', { name: 'Send' }).click();
      await expect(chat(visitor).getByText('Sending…')).toHaveCount(0);

      const agent = await signIn(browser, parley, await parley.user('Agent Offline'));
      await agent.getByRole('link', { name: /Please call me back/ }).first().click();
      await expect(agent.getByText('The visitor has the chat open')).toBeVisible();
      await visitor.close(); // the visitor leaves the site
      await expect(agent.getByText('The visitor has the chat open')).toHaveCount(0);
      await agent.getByRole('textbox', { name: 'Your reply' }).fill('I will call you at five.');
      await agent.getByRole('button', { name: /^Send/ }).click();

      const mail = await parley.sent((m) => (m.to as { text: string }).text === 'left@visitor.test');
      expect(mail.text).toContain('I will call you at five.');
      await parley.mail(inbox.address, 'left@visitor.test', `Re: ${mail.subject}`, 'Five works, thanks!', {
        'In-Reply-To': mail.messageId!,
        References: mail.messageId!,
      });
      await expect(agent.getByRole('region', { name: 'Conversation' }).getByText('Five works, thanks!')).toBeVisible();
      // Back on the site, the chat has it all.
      visitor = await context.newPage();
      await visitor.goto(site.url);
      await launcher(visitor).click();
      await expect(chat(visitor).getByText('I will call you at five.')).toBeVisible();
      await expect(chat(visitor).getByText('Five works, thanks!')).toBeVisible();
    } finally {
      await site.close();
    }
  });

  test('closing a chat emails the visitor its transcript, an answer to it comes back, and an agent emails it to someone else', async ({ browser, parley }) => {
    const site = await new Website(parley.url).start();
    try {
      const inbox = await parley.inbox('Transcript desk');
      const ch = await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'chat', name: 'Transcript chat', config: { allowed_origins: [site.url] } });
      await parley.api('POST', `/inboxes/${inbox.id}/chat-flows`, { name: 'Ask', enabled: true, email_capture: { when: 'first' } });
      site.key = ch.public_key;
      const visitor = await visit(browser, `${site.url}/help`);
      await launcher(visitor).click();
      await chat(visitor).getByRole('textbox', { name: 'Email' }).fill('tom@visitor.test');
      await chat(visitor).getByRole('button', { name: 'Continue' }).click();
      await chat(visitor).getByRole('textbox', { name: 'Write a message…' }).fill('Where is the invoice?');
      await chat(visitor).getByRole('button', { name: 'Send' }).click();

      const agent = await signIn(browser, parley, await parley.user('Agent Transcript'));
      await agent.getByRole('link', { name: /Where is the invoice/ }).first().click();
      await agent.getByRole('textbox', { name: 'Your reply' }).fill('In your account, under Billing.');
      await agent.getByRole('button', { name: /^Send/ }).click();
      await expect(chat(visitor).getByText('In your account, under Billing.')).toBeVisible();
      await agent.getByRole('button', { name: 'Close', exact: true }).click();

      const transcript = await parley.sent((m) => (m.to as { text: string }).text === 'tom@visitor.test' && m.subject === 'Your chat with Transcript desk');
      expect(transcript.text).toContain('You: Where is the invoice?');
      expect(transcript.text).toContain('Agent Transcript: In your account, under Billing.');
      expect(transcript.text).toContain(`It began on ${site.url}/help`);
      await expect(agent.getByText(/emailed the transcript to tom@visitor.test/)).toBeVisible();

      // Answering the transcript reopens the chat with the answer.
      await parley.mail(inbox.address, 'tom@visitor.test', `Re: ${transcript.subject}`, 'Found it, thanks.', {
        'In-Reply-To': transcript.messageId!,
        References: transcript.messageId!,
      });
      await expect(agent.getByRole('region', { name: 'Conversation' }).getByText('Found it, thanks.')).toBeVisible();

      // By hand, from the menu, once it is closed again.
      await agent.getByRole('button', { name: 'Close', exact: true }).click();
      await agent.getByRole('button', { name: 'More actions' }).click();
      await agent.getByRole('menuitem', { name: 'Email the transcript' }).click();
      await agent.getByLabel('To (one address or several)').fill('boss@shop.test');
      await agent.getByRole('button', { name: 'Send the transcript' }).click();
      await expect(agent.getByText('Transcript sent.')).toBeVisible();
      const copy = await parley.sent((m) => (m.to as { text: string }).text === 'boss@shop.test');
      expect(copy.text).toContain('Found it, thanks.');
    } finally {
      await site.close();
    }
  });

  test('a flow routes the chats it opens by a rule of its own', async ({ browser, parley }) => {
    const site = await new Website(parley.url).start();
    try {
      const inbox = await parley.inbox('Leads desk');
      const ch = await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'chat', name: 'Leads chat', config: { allowed_origins: [site.url] } });
      site.key = ch.public_key;
      const rep = await parley.user('Rita Rep');
      const admin = await signIn(browser, parley, await parley.user('Admin Leads', 'admin'));
      await admin.goto('/settings/chat');
      await admin.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Leads desk' });
      await admin.getByRole('button', { name: 'Add a chat flow' }).click();
      const form = admin.getByRole('form', { name: 'Add a chat flow' });
      await form.getByLabel('Name', { exact: true }).fill('Leads');
      await form.getByRole('checkbox', { name: 'Route them by a rule of this flow’s own' }).check();
      await form.getByLabel('New conversations go to').selectOption('specific');
      await form.getByRole('group', { name: 'Route to' }).getByRole('checkbox', { name: /Rita Rep/ }).check();
      await form.getByRole('button', { name: 'Add a chat flow' }).click();
      await expect(admin.getByRole('listitem', { name: 'Leads' })).toBeVisible();

      const visitor = await visit(browser, site.url);
      await launcher(visitor).click();
      await chat(visitor).getByRole('textbox').fill('I want a quote');
      await chat(visitor).getByRole('button', { name: 'Send' }).click();
      await expect(chat(visitor).getByText('Sending…')).toHaveCount(0);
      const list = await parley.api('GET', `/conversations?inbox=${inbox.id}&view=open`);
      expect(list.items[0].assignee?.id).toBe(rep.id);
    } finally {
      await site.close();
    }
  });
  test('a flow’s own picture: chosen in settings, on the launcher of the site and beside the flow’s heading, removed with an undo', async ({ browser, parley }) => {
    const site = await new Website(parley.url).start();
    try {
      const inbox = await parley.inbox('Picture desk');
      const ch = await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'chat', name: 'Picture chat', config: { allowed_origins: [site.url] } });
      site.key = ch.public_key;
      await parley.api('POST', `/inboxes/${inbox.id}/chat-flows`, { name: 'Pictured', enabled: true, heading: { kind: 'custom', name: 'Nadia at the shop' } });
      const admin = await signIn(browser, parley, await parley.user('Admin Picture', 'admin'));
      await admin.goto('/settings/chat');
      await admin.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Picture desk' });
      await admin.getByRole('listitem', { name: 'Pictured' }).getByRole('button', { name: 'Edit' }).click();
      const form = admin.getByRole('form', { name: 'Edit Pictured' });
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
      await form.getByLabel('Choose a picture').setInputFiles({ name: 'nadia.png', mimeType: 'image/png', buffer: png });
      await expect(form.getByRole('img', { name: 'Picture' })).toBeVisible();
      await expect(admin.getByRole('figure', { name: 'Preview' }).locator('img.face')).toHaveCount(2); // heading and launcher

      const visitor = await visit(browser, site.url);
      const img = visitor.locator('parley-chat').locator('button img');
      await expect(img).toBeVisible();
      expect(await img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(1);
      await launcher(visitor).click();
      await expect(chat(visitor).getByRole('heading', { name: 'Nadia at the shop' })).toBeVisible();
      await expect(chat(visitor).locator('.faces img')).toBeVisible();

      await form.getByRole('button', { name: 'Remove the picture' }).click();
      await expect(form.getByRole('img', { name: 'Picture' })).toHaveCount(0);
      await admin.getByRole('status').getByRole('button', { name: 'Undo' }).click();
      await expect(form.getByRole('img', { name: 'Picture' })).toBeVisible();
    } finally {
      await site.close();
    }
  });
});

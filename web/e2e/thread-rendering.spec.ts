import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import nodemailer from 'nodemailer';
import { test, expect, signIn, shot } from './fixtures';
import type { Parley } from './server';

// How a thread shows what customers send: newsletters as designed, long
// mail from its start, chat as a conversation, pictures as pictures.

const newsletter = readFileSync(resolve(import.meta.dirname, '../../internal/mail/testdata/newsletter_campaign.html'), 'utf8');
const dot = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** raw delivers a message exactly as written, as a mail client would. */
async function raw(parley: Parley, to: string, from: string, message: string) {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: parley.smtpPort, secure: false, ignoreTLS: true });
  await t.sendMail({ envelope: { from, to }, raw: message.replace(/\n/g, '\r\n') });
  t.close();
}

test.describe('thread rendering', () => {
  test('a newsletter keeps its coloured button and fits its 600 px at any width', async ({ browser, parley }) => {
    const inbox = await parley.inbox('News desk');
    const ana = await parley.user('Ana News');
    await parley.mail(inbox.address, 'Tools Weekly <news@toolsweekly.test>', 'Spring launch', 'Spring launch: ten new tools.', {}, newsletter);
    // Bulk mail is filed in Filtered.
    let id = 0;
    await expect.poll(async () => (id = (await parley.api('GET', `/conversations?inbox=${inbox.id}&view=all`)).items[0]?.id ?? 0)).toBeGreaterThan(0);
    for (const [width, locale] of [[1280, 'en-US'], [390, 'fr-FR']] as const) {
      const page = await signIn(browser, parley, ana, locale);
      await page.setViewportSize({ width, height: 844 });
      await page.goto(`/inbox/all/filtered/c/${id}`);
      const frame = page.frameLocator('.entry iframe');
      const button = frame.locator('#cta');
      await expect(button).toHaveCSS('background-color', 'rgb(230, 57, 70)');
      await expect(button).toHaveCSS('color', 'rgb(255, 255, 255)');
      await expect(frame.locator('#button-cell')).toHaveCSS('background-color', 'rgb(230, 57, 70)');
      // Nothing is cut off by the frame: its right edge is inside it, and
      // the page brings it into view.
      const edge = frame.locator('#right-edge');
      await expect
        .poll(() => edge.evaluate((el) => Math.round(el.getBoundingClientRect().right) <= el.ownerDocument.documentElement.clientWidth))
        .toBe(true);
      await edge.scrollIntoViewIfNeeded();
      await expect(edge).toBeInViewport({ ratio: 0.99 });
      await expect(button).toBeVisible();
      await shot(page, `newsletter-${width}`);
      await page.context().close();
    }
  });

  test('a long email opens at its start, not its end', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Long desk');
    const ana = await parley.user('Ana Long');
    const mid = await parley.mail(inbox.address, 'Lou Long <lou@long.test>', 'Export fails', 'The export fails.');
    const log = Array.from({ length: 150 }, (_, i) => `Line ${i + 1} of the export log`).join('\n');
    await parley.mail(inbox.address, 'Lou Long <lou@long.test>', 'Re: Export fails', `Here is the whole log:\n${log}`, { 'In-Reply-To': mid, References: mid });
    await expect.poll(async () => (await parley.api('GET', `/conversations?inbox=${inbox.id}`)).items[0]?.preview ?? '').toContain('whole log');
    const page = await signIn(browser, parley, ana);
    await page.locator('.conversation', { hasText: 'Lou Long' }).getByRole('link').click();
    const newest = page.getByRole('listitem', { name: 'Message from Lou Long' }).last();
    await expect(newest).toContainText('Line 150 of the export log');
    // The newest message's header and first lines are on screen.
    await expect(newest.locator('.entry-head')).toBeInViewport();
  });

  test('chat messages in a row are one card; the title is the first line, not the latest message', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Chat desk');
    const ana = await parley.user('Ana Chat');
    const kim = { email: 'kim@chat.test', name: 'Kim Chat' };
    const r = await parley.push(inbox.channel, kim, 'My parcel never arrived\nOrder 4411, sent on Monday');
    await parley.push(inbox.channel, kim, 'hello?');
    await parley.push(inbox.channel, kim, 'anyone there');
    await parley.api('POST', `/conversations/${r.conversation_id}/replies`, { text: 'Sorry about that, looking now.' });
    await parley.push(inbox.channel, kim, 'Thanks\nIt is the blue box\nTwo of them\nLeft at the door\nPlease hurry');
    const page = await signIn(browser, parley, ana);
    const item = page.locator('.conversation', { hasText: 'Kim Chat' });
    await expect(item.locator('.row2')).toHaveText('My parcel never arrived');
    await item.getByRole('link').click();
    await expect(page.locator('#thread-title')).toHaveText('My parcel never arrived');
    const fromKim = page.getByRole('listitem', { name: 'Message from Kim Chat' });
    await expect(fromKim).toHaveCount(2);
    await expect(fromKim.first()).toContainText('hello?');
    await expect(fromKim.first()).toContainText('anyone there');
    await expect(fromKim.first().locator('.entry-head')).toHaveCount(1);
    await expect(fromKim.last()).toContainText('Please hurry');
    await expect(page.getByRole('listitem', { name: /^Reply from/ })).toHaveCount(1);
    await shot(page, 'chat-grouped');
  });

  test('a picture sent inline in a plain-text mail shows as a thumbnail that opens it', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Photo desk');
    const ana = await parley.user('Ana Photo');
    await raw(
      parley,
      inbox.address,
      'paz@photo.test',
      `From: Paz Picture <paz@photo.test>
To: ${inbox.address}
Subject: Broken hinge
Message-ID: <hinge-1@photo.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

The hinge broke, see the photo.
--b1
Content-Type: image/png; name="hinge.png"
Content-Disposition: inline; filename="hinge.png"
Content-Id: <hinge@photo.test>
Content-Transfer-Encoding: base64

${dot}
--b1--
`,
    );
    // An HTML mail that shows its picture in its body lists it no second time.
    await raw(
      parley,
      inbox.address,
      'paz@photo.test',
      `From: Paz Picture <paz@photo.test>
To: ${inbox.address}
Subject: Re: Broken hinge
Message-ID: <hinge-2@photo.test>
In-Reply-To: <hinge-1@photo.test>
MIME-Version: 1.0
Content-Type: multipart/related; boundary="b2"

--b2
Content-Type: text/html; charset=utf-8

<p>And the other side:</p><img src="cid:side@photo.test" alt="side view">
--b2
Content-Type: image/png; name="side.png"
Content-Disposition: inline; filename="side.png"
Content-Id: <side@photo.test>
Content-Transfer-Encoding: base64

${dot}
--b2--
`,
    );
    await expect.poll(async () => (await parley.api('GET', `/conversations?inbox=${inbox.id}`)).items[0]?.preview ?? '').toContain('other side');
    const page = await signIn(browser, parley, ana);
    // This inbox's list: the shared server holds other tests' mail too.
    await page.goto(`/inbox/${inbox.id}/open`);
    await page.locator('.conversation', { hasText: 'Paz Picture' }).getByRole('link').click();
    const thumb = page.getByRole('list', { name: 'Attachments' }).getByRole('img', { name: 'hinge.png' });
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    await expect(page.getByRole('link', { name: 'hinge.png' }).first()).toHaveAttribute('href', /\/api\/v1\/attachments\/\d+$/);
    await expect(page.frameLocator('.entry iframe').getByAltText('side view')).toBeVisible();
    await expect(page.getByRole('img', { name: 'side.png' })).toHaveCount(0);
  });

  test('a photo pushed through the API shows as a thumbnail in the messaging thread', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Photo chat');
    const ana = await parley.user('Ana Snap');
    const res = await fetch(`${parley.url}/api/v1/uploads?name=parcel.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${parley.adminToken}`, 'content-type': 'image/png' },
      body: Buffer.from(dot, 'base64'),
    });
    expect(res.status).toBe(201);
    const up = await res.json();
    const contact = { email: 'sam@snap.test', name: 'Sam Snap' };
    await parley.push(inbox.channel, contact, 'Here is the parcel as it arrived');
    await parley.api('POST', `/channels/${inbox.channel}/messages`, { client_id: 'snap-1', contact, attachments: [up.id] });
    const page = await signIn(browser, parley, ana);
    await page.locator('.conversation', { hasText: 'Sam Snap' }).getByRole('link').click();
    const thumb = page.getByRole('list', { name: 'Attachments' }).getByRole('img', { name: 'parcel.png' });
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    await expect(page.getByRole('link', { name: 'parcel.png' }).first()).toHaveAttribute('href', /\/api\/v1\/attachments\/\d+$/);
  });
});

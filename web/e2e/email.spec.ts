import { test, expect, signIn, shot } from './fixtures';

test.describe('email', () => {
  test('HTML mail shows sanitised in a sandbox, quoted history folded, remote images held back', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Html desk');
    const ana = await parley.user('Ana Html');
    // The frame inherits the app's Content-Security-Policy: the mail's
    // inline styles, data: images and (once allowed) remote images must
    // still show.
    const dot = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
    const html =
      '<p>Hello, <b>the app crashes</b> on start.</p><img src="https://tracker.example/pixel.gif" alt="pixel">' +
      `<p style="color: rgb(200, 30, 30)">Red alert</p><img src="data:image/png;base64,${dot}" alt="dot">` +
      '<script>document.title="pwned"</script><a href="https://example.com" onclick="alert(1)">details</a>' +
      '<div class="gmail_quote">On Mon, Support wrote:<blockquote>Have you tried turning it off and on again?</blockquote></div>';
    await parley.mail(inbox.address, 'Hal Crash <hal@crash.test>', 'It crashes', 'Hello, the app crashes on start.', {}, html);
    const page = await signIn(browser, parley, ana, 'en-US', async (ctx) => {
      // The remote image's server, which the test stands in for.
      await ctx.route('https://tracker.example/**', (route) =>
        route.fulfill({ contentType: 'image/gif', body: Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64') }),
      );
    });
    await page.locator('.conversation', { hasText: 'Hal Crash' }).getByRole('link').click();
    const frame = page.frameLocator('iframe[title="Email content"]');
    const loaded = (img: HTMLImageElement) => img.complete && img.naturalWidth;
    await expect(frame.locator('b')).toHaveText('the app crashes');
    await expect(frame.getByText('Red alert')).toHaveCSS('color', 'rgb(200, 30, 30)');
    await expect.poll(() => frame.getByAltText('dot').evaluate(loaded)).toBe(1);
    await expect(frame.locator('script')).toHaveCount(0);
    await expect(frame.locator('a')).not.toHaveAttribute('onclick', /.*/);
    await expect(frame.locator('body')).not.toContainText('turning it off and on');
    const pixel = frame.getByAltText('pixel');
    await expect(pixel).not.toHaveAttribute('src', /tracker/);
    await expect(pixel).toHaveAttribute('data-remote-src', 'https://tracker.example/pixel.gif');

    await page.getByRole('button', { name: 'Show quoted text' }).click();
    await expect(frame.locator('body')).toContainText('Have you tried turning it off and on again?');
    await page.getByRole('button', { name: 'Load remote images' }).click();
    await expect(pixel).toHaveAttribute('src', 'https://tracker.example/pixel.gif');
    await expect.poll(() => pixel.evaluate(loaded)).toBe(1);
    await shot(page, 'thread-html');
  });

  test('a new email goes out from the inbox and its conversation is in Sent', async ({ browser, parley }) => {
    await parley.inbox('Outreach');
    const ana = await parley.user('Ana Outreach');
    const page = await signIn(browser, parley, ana);
    await page.getByRole('button', { name: 'New email' }).click();
    const dialog = page.getByRole('dialog', { name: 'New email' });
    await dialog.getByRole('combobox', { name: 'From' }).selectOption({ label: 'Outreach <outreach@parley.test>' });
    await dialog.getByRole('textbox', { name: 'To' }).fill('lead@prospect.test');
    await dialog.getByRole('textbox', { name: 'Subject' }).fill('Your trial');
    await dialog.getByRole('textbox', { name: 'Message' }).fill('Welcome aboard!');
    await shot(page, 'compose');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByRole('heading', { name: 'Your trial' })).toBeVisible();
    await expect(page.getByRole('link', { name: /^Sent/ })).toHaveAttribute('aria-current', 'page');
    await expect(page.locator('.conversation', { hasText: 'Your trial' })).toBeVisible();
    const out = await parley.sent((m) => m.subject === 'Your trial');
    expect(out.text).toContain('Welcome aboard!');
    expect(out.from && 'value' in out.from ? out.from.value[0].address : '').toBe('outreach@parley.test');
  });

  test('a channel turned off in settings refuses mail; the signature goes on replies', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Switch desk');
    const admin = await parley.user('Ada Switch', 'admin');
    const page = await signIn(browser, parley, admin);
    await page.goto('/settings/channels');
    await page.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Switch desk' });
    await expect(page.getByText(inbox.address)).toBeVisible();
    const email = page.getByRole('region', { name: 'Email' });
    await email.getByRole('textbox', { name: 'Team signature' }).fill('{{agent.first_name}} from Switch');
    await email.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText('Saved.')).toBeVisible();
    await shot(page, 'settings-channels');

    const mid = await parley.mail(inbox.address, 'Sig Test <sig@t.test>', 'Signature', 'Hi');
    const conv = (await parley.api('GET', `/conversations?inbox=${inbox.id}`)).items[0];
    await parley.api('POST', `/conversations/${conv.id}/replies`, { text: 'Hello' });
    const out = await parley.sent((m) => m.inReplyTo === mid);
    expect(out.text).toContain('Admin from Switch'); // the API's admin replied

    await email.getByRole('switch').uncheck();
    await expect(email.getByText('Off', { exact: true })).toBeVisible();
    await expect(parley.mail(inbox.address, 'Late <late@t.test>', 'Refused', 'x')).rejects.toThrow(/550/);
  });

  test('connecting a mailbox in settings: its sync status shows, its password never comes back', async ({ browser, parley }) => {
    await parley.inbox('Mailbox desk');
    const admin = await parley.user('Ada Mailbox', 'admin');
    const page = await signIn(browser, parley, admin);
    await page.goto('/settings/channels');
    await page.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Mailbox desk' });
    await page.getByRole('button', { name: 'Connect a mailbox' }).click();
    const form = page.locator('.card').filter({ has: page.getByRole('group', { name: 'Mailbox' }) }).last();
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Shared mailbox');
    await form.getByRole('textbox', { name: 'Mailbox address' }).fill('help@mailbox.test');
    const imap = form.locator('.server').first();
    await imap.getByRole('textbox', { name: 'Server' }).fill('127.0.0.1');
    await imap.getByRole('spinbutton', { name: 'Port' }).fill('9'); // nothing listens there
    await imap.getByRole('combobox', { name: 'Security' }).selectOption('none');
    await imap.getByRole('textbox', { name: 'Username' }).fill('help');
    await imap.getByLabel('Password').fill('mailbox-secret');
    await form.getByRole('button', { name: 'Connect a mailbox' }).click();
    const card = page.getByRole('region', { name: 'Shared mailbox' });
    await expect(card).toBeVisible();
    await expect(async () => {
      await page.reload();
      await page.getByRole('combobox', { name: 'Inbox' }).last().selectOption({ label: 'Mailbox desk' });
      await expect(card.getByText(/^Cannot sync: /)).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await shot(page, 'settings-mailbox');
    expect(await page.content()).not.toContain('mailbox-secret');
  });

  test('an image attached to a mail shows as a thumbnail; a PDF as a download', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Photo desk');
    const ana = await parley.user('Ana Photo');
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await parley.mail(inbox.address, 'Pia Photo <pia@photo.test>', 'Broken screen', 'See the photo.', {}, undefined, [
      { filename: 'screen.png', content: png, contentType: 'image/png' },
      { filename: 'receipt.pdf', content: Buffer.from('%PDF-1.4 receipt'), contentType: 'application/pdf' },
    ]);
    const page = await signIn(browser, parley, ana);
    await page.locator('.conversation', { hasText: 'Pia Photo' }).getByRole('link').click();
    const files = page.getByRole('list', { name: 'Attachments' });
    const thumb = files.getByRole('img', { name: 'screen.png' });
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    await expect(files.getByRole('img')).toHaveCount(1);
    const download = page.waitForEvent('download');
    await files.getByRole('link', { name: 'receipt.pdf' }).click();
    expect((await download).suggestedFilename()).toBe('receipt.pdf');
  });
});

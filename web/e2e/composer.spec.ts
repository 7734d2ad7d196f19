import { test, expect, signIn, shot } from './fixtures';

test.describe('the composer', () => {
  test('snippets by #shortcut, articles, Cc and Bcc in a rich email reply; assign to me and send', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Composer desk');
    const ana = await parley.user('Ana Composer');
    await parley.api('POST', '/snippets', { title: 'Thanks', shortcut: 'thanks', body: 'Thank you {{contact.first_name}}!' });
    await parley.api('POST', '/articles', { title: 'How returns work', url: 'https://help.acme.test/returns' });
    await parley.api('PATCH', `/users/${ana.id}`, { meeting_link: 'https://cal.acme.test/ana' });
    const mid = await parley.mail(inbox.address, 'Zed Potter <zed@mugs.test>', 'Broken mug', 'It arrived broken.');

    const page = await signIn(browser, parley, ana);
    await page.locator('.conversation', { hasText: 'Zed Potter' }).getByRole('link').click();
    const box = page.getByRole('textbox', { name: 'Your reply' });
    await box.click();
    await page.keyboard.type('#than');
    await expect(page.getByRole('listbox', { name: 'Snippets' })).toContainText('#thanks');
    await page.keyboard.press('Enter');
    await expect(box).toContainText('Thank you Zed!');
    await expect(box).not.toContainText('#than');

    await page.keyboard.type(' See ');
    await page.getByRole('button', { name: 'Insert' }).click();
    await page.getByRole('tab', { name: 'Articles' }).click();
    await page.getByRole('button', { name: /How returns work/ }).click();
    await expect(box.getByRole('link', { name: 'How returns work' })).toBeVisible();
    await page.getByRole('button', { name: 'Insert' }).click();
    await page.getByRole('tab', { name: 'Meeting link' }).click();
    await page.getByRole('button', { name: /My meeting link/ }).click();

    await page.getByText('Attach', { exact: true }).locator('..').locator('input[type=file]').setInputFiles({
      name: 'return-label.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 return label'),
    });
    await expect(page.getByRole('button', { name: 'Remove return-label.pdf' })).toBeVisible();
    await page.getByRole('textbox', { name: 'Add an address (Cc)' }).fill('boss@client.test');
    await page.getByRole('button', { name: 'Add Bcc' }).click();
    await page.getByRole('textbox', { name: 'Add an address (Bcc)' }).fill('audit@acme.test');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('group', { name: 'Bcc' })).toContainText('audit@acme.test');
    await shot(page, 'composer-rich');
    await page.getByRole('button', { name: 'Assign to me and send' }).click();

    const out = await parley.sent((m) => m.subject === 'Re: Broken mug');
    expect(out.inReplyTo).toBe(mid);
    expect(out.html).toContain('href="https://help.acme.test/returns"');
    expect(out.html).toContain('href="https://cal.acme.test/ana"');
    expect(out.text).toContain('Thank you Zed!');
    expect(out.cc && 'value' in out.cc ? out.cc.value.map((a) => a.address) : []).toEqual(['boss@client.test']);
    expect(JSON.stringify(out.headers)).not.toContain('audit@acme.test');
    expect(out.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ['return-label.pdf', 'application/pdf', '%PDF-1.4 return label'],
    ]);
    await expect(page.getByRole('combobox', { name: 'Assign' })).toHaveValue(String(ana.id));
    await expect(page.getByText('Ana Composer took this')).toBeVisible();
  });

  test('an admin writes a snippet in settings; an agent uses it in a chat reply', async ({ browser, parley }) => {
    const admin = await parley.user('Ada Library', 'admin');
    const ana = await parley.user('Ana Library');
    const inbox = await parley.inbox('Library desk');
    const adminPage = await signIn(browser, parley, admin);
    await adminPage.goto('/settings/library');
    await adminPage.getByRole('tab', { name: 'Snippets' }).click();
    await adminPage.getByRole('button', { name: 'Add' }).click();
    await adminPage.getByRole('textbox', { name: 'Title' }).fill('Opening hours');
    await adminPage.getByRole('textbox', { name: 'Shortcut' }).fill('hours');
    await adminPage.getByRole('textbox', { name: 'Text' }).fill('We are open 9 to 5, {{contact.first_name}}.');
    await adminPage.getByRole('button', { name: 'Save' }).click();
    await expect(adminPage.getByRole('cell', { name: '#hours' })).toBeVisible();
    await shot(adminPage, 'settings-library');

    const r = await parley.push(inbox.channel, { email: 'sam@c.test', name: 'Sam Lee' }, 'When are you open?');
    const page = await signIn(browser, parley, ana);
    await page.goto(`/inbox/all/open/c/${r.conversation_id}`);
    const box = page.getByRole('textbox', { name: 'Your reply' });
    await box.pressSequentially('Hi! #hou');
    await expect(page.getByRole('listbox', { name: 'Snippets' })).toContainText('Opening hours');
    await box.press('Tab');
    await expect(box).toHaveValue('Hi! We are open 9 to 5, Sam.');
  });
});

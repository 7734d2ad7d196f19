import { test, expect, signIn, shot } from './fixtures';

const addresses = (a: unknown) => (a && typeof a === 'object' && 'value' in a ? (a as { value: { address?: string }[] }).value.map((x) => x.address) : []);

// Issue 11: whom a reply goes to is shown, and changed, before sending
// (SPEC CMP-1); reply-all is the agent's explicit choice.
test.describe('reply recipients', () => {
  test('Reply writes to the contact only; Reply all copies the others, as shown', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Rcpt desk');
    const ana = await parley.user('Ana Rcpt');
    await parley.mail(inbox.address, 'Yan Copy <yan@client.test>', 'Copied order', 'Where is it?', { Cc: 'Pat Boss <pat@client.test>' });

    const page = await signIn(browser, parley, ana);
    await page.locator('.conversation', { hasText: 'Yan Copy' }).getByRole('link').click();
    const to = page.getByRole('group', { name: 'To' });
    const cc = page.getByRole('group', { name: 'Cc' });
    await expect(to).toContainText('yan@client.test');
    await expect(cc).not.toContainText('pat@client.test');
    const box = page.getByRole('textbox', { name: 'Your reply' });
    await box.click();
    await page.keyboard.type('Just you.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const first = await parley.sent((m) => m.subject === 'Re: Copied order' && !!m.text?.includes('Just you.'));
    expect(addresses(first.to)).toEqual(['yan@client.test']);
    expect(addresses(first.cc)).toEqual([]);

    await page.getByRole('button', { name: 'Reply all: copy 1 other person' }).click();
    await expect(cc).toContainText('pat@client.test');
    await page.getByRole('textbox', { name: 'Add an address (Cc)' }).fill('boss@client.test');
    await page.keyboard.press('Enter');
    await page.getByRole('textbox', { name: 'Add an address (To)' }).fill('yan.home@client.test');
    await page.keyboard.press('Enter');
    await to.getByRole('button', { name: 'Remove yan@client.test' }).click();
    await box.click();
    await page.keyboard.type('All of you.');
    await shot(page, 'composer-recipients');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const second = await parley.sent((m) => !!m.text?.includes('All of you.'));
    expect(addresses(second.to)).toEqual(['yan.home@client.test']);
    expect(addresses(second.cc)).toEqual(['pat@client.test', 'boss@client.test']);
  });
});

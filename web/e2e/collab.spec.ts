import { test, expect, signIn, shot } from './fixtures';

test.describe('working together', () => {
  test('a mention reaches the other agent at once', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Mention desk');
    const ana = await parley.user('Ana Mention');
    const bob = await parley.user('Bob Mention');
    const anaPage = await signIn(browser, parley, ana);
    const bobPage = await signIn(browser, parley, bob, 'en-US', async (ctx) => {
      // Bob allowed notifications and is in another window: record what
      // the app shows him (a fake only of the browser's Notification).
      await ctx.addInitScript(() => {
        const shown: { title: string; body?: string }[] = [];
        (window as unknown as { shown: typeof shown }).shown = shown;
        class Recorder {
          static permission = 'granted';
          static requestPermission = async () => 'granted';
          onclick: (() => void) | null = null;
          constructor(title: string, opts?: { body?: string }) {
            shown.push({ title, body: opts?.body });
          }
          close() {}
        }
        Object.defineProperty(window, 'Notification', { value: Recorder });
        document.hasFocus = () => false;
      });
    });
    const r = await parley.push(inbox.channel, { email: 'vip@big.test', name: 'Very Important' }, 'We need a quote', 'Quote');
    await anaPage.goto(`/inbox/all/open/c/${r.conversation_id}`);

    await anaPage.getByRole('tab', { name: 'Internal note' }).click();
    const note = anaPage.getByRole('textbox', { name: 'Your internal note' });
    await note.pressSequentially('Can you take this @bob');
    await expect(anaPage.getByRole('listbox', { name: 'Teammates to mention' })).toContainText('Bob Mention');
    await note.press('Enter');
    await expect(note).toHaveValue(new RegExp(`Can you take this @${bob.email.split('@')[0]} $`));
    await note.pressSequentially('please?');
    await anaPage.getByRole('button', { name: 'Add note' }).click();
    await expect(anaPage.getByRole('listitem', { name: 'Internal note from Ana Mention' })).toContainText('please?');

    await expect(bobPage.getByRole('status').getByText('Ana Mention mentioned you')).toBeVisible();
    expect(await bobPage.evaluate(() => (window as unknown as { shown: unknown[] }).shown)).toEqual([
      { title: 'Ana Mention mentioned you', body: 'Quote' },
    ]);
    // The bell keeps it: one unread, which opens the conversation and is read.
    const bell = bobPage.getByRole('button', { name: /^Notifications/ });
    await expect(bell.getByLabel('1 unread')).toBeVisible();
    await bell.click();
    const centre = bobPage.getByRole('dialog', { name: 'Notifications' });
    await centre.getByRole('button', { name: /Ana Mention mentioned you/ }).click();
    await expect(bobPage.getByRole('listitem', { name: 'Internal note from Ana Mention' })).toBeVisible();
    await expect(bell.getByLabel('1 unread')).toHaveCount(0);
    await shot(anaPage, 'thread-note');
  });

  test('teammates see each other looking and typing, and a double answer is caught', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Typing desk');
    const ana = await parley.user('Ana Typing');
    const bob = await parley.user('Bob Typing');
    const r = await parley.push(inbox.channel, { email: 'cust@typing.test', name: 'Typing Customer' }, 'Hello?', 'Help');
    const url = `/inbox/all/open/c/${r.conversation_id}`;
    const anaPage = await signIn(browser, parley, ana);
    const bobPage = await signIn(browser, parley, bob);
    await anaPage.goto(url);
    await bobPage.goto(url);
    await expect(anaPage.getByText('Bob Typing is also looking at this conversation')).toBeVisible();

    await bobPage.getByRole('textbox', { name: 'Your reply' }).pressSequentially('Hi, I am on it');
    await expect(anaPage.getByText('Bob Typing is replying…')).toBeVisible();
    await shot(anaPage, 'typing');

    // Ana writes too; Bob sends first; Ana is warned before she sends.
    await anaPage.getByRole('textbox', { name: 'Your reply' }).fill('Hello from Ana');
    await bobPage.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(anaPage.getByRole('listitem', { name: 'Reply from Bob Typing' })).toBeVisible();
    await anaPage.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(anaPage.getByRole('alert')).toContainText('Bob Typing replied while you were writing.');
    // More happens in the conversation meanwhile: the warning and Ana's words stay.
    await parley.api('POST', `/conversations/${r.conversation_id}/comments`, { text: 'noted' });
    await expect(anaPage.getByRole('listitem', { name: /^Internal note from/ })).toBeVisible();
    await expect(anaPage.getByRole('alert')).toContainText('Bob Typing replied while you were writing.');
    await expect(anaPage.getByRole('textbox', { name: 'Your reply' })).toHaveValue('Hello from Ana');
    await anaPage.getByRole('button', { name: 'Send anyway' }).click();
    await expect(anaPage.getByRole('listitem', { name: 'Reply from Ana Typing' })).toBeVisible();
  });

  test('the app says it is reconnecting, and catches up when the server is back', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Restart desk');
    const ana = await parley.user('Ana Restart');
    const page = await signIn(browser, parley, ana);
    await parley.restart(async () => {
      await expect(page.getByText(/^Reconnecting…/)).toBeVisible();
    });
    await expect(page.getByText(/^Reconnecting…/)).toHaveCount(0, { timeout: 20_000 });
    await parley.push(inbox.channel, { email: 'back@r.test', name: 'Back Again' }, 'Are you there?');
    await expect(page.locator('.conversation', { hasText: 'Back Again' })).toBeVisible();
  });
});

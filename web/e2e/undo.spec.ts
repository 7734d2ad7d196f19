import { test, expect, signIn, shot } from './fixtures';

// Issue 11: the app is forgiving. What a person may regret offers an Undo
// that reverses it on the server; blocking says what it will do first; a
// bulk action reaches the whole view; the thread header stays on one row.
test.describe('undo and the thread header', () => {
  test('close, trash from the menu and restore from the banner each undo on the server', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Undo desk');
    const ana = await parley.user('Ana Undo');
    const r = await parley.push(inbox.channel, { email: 'li@undo.test', name: 'Li Undo' }, 'Where is it?', 'Late parcel');
    const conv = () => parley.api('GET', `/conversations/${r.conversation_id}`);
    const page = await signIn(browser, parley, ana);
    await page.goto(`/inbox/${inbox.id}/open/c/${r.conversation_id}`);
    await expect(page.getByRole('heading', { name: 'Late parcel' })).toBeVisible();
    const toasts = page.locator('.toasts');

    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(toasts.getByText('Conversation closed')).toBeVisible();
    await expect.poll(async () => (await conv()).status).toBe('closed');
    // The Undo is a real button, reached by the keyboard.
    await toasts.getByRole('button', { name: 'Undo' }).focus();
    await page.keyboard.press('Enter');
    await expect(toasts.getByText('Undone')).toBeVisible();
    await expect.poll(async () => (await conv()).status).toBe('open');

    // "More actions" is a menu: arrows move, Escape closes and gives focus back.
    const more = page.getByRole('button', { name: 'More actions' });
    await more.focus();
    await page.keyboard.press('ArrowDown');
    const menu = page.getByRole('menu', { name: 'More actions' });
    await expect(menu.getByRole('menuitem', { name: 'Mark as spam' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
    await expect(more).toBeFocused();
    await expect(more).toHaveAttribute('aria-expanded', 'false');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitem', { name: 'Move to trash' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(toasts.getByText('Moved to the trash')).toBeVisible();
    await expect.poll(async () => (await conv()).placement).toBe('trash');
    await toasts.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(async () => (await conv()).placement).toBe('inbox');

    // A thread in the trash says so, with Restore at hand, and Restore undoes too.
    await parley.api('POST', `/conversations/${r.conversation_id}/trash`);
    await page.goto(`/inbox/${inbox.id}/trash/c/${r.conversation_id}`);
    const banner = page.getByRole('region', { name: /This conversation is in the trash/ });
    await expect(banner).toContainText('This conversation is in the trash.');
    await shot(page, 'restore-banner');
    await banner.getByRole('button', { name: 'Restore' }).click();
    await expect(toasts.getByText('Conversation restored')).toBeVisible();
    await expect.poll(async () => (await conv()).placement).toBe('inbox');
    await expect(banner).toHaveCount(0);
    await toasts.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(async () => (await conv()).placement).toBe('trash');
  });

  test('block sender says what it will do, and its undo puts everything back', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Block desk');
    const ana = await parley.user('Ana Block');
    const pat = { email: 'pat@block.test', name: 'Pat Block' };
    // Two emails with different subjects: two conversations from one sender.
    await parley.mail(inbox.address, `${pat.name} <${pat.email}>`, 'First thing', 'First');
    await parley.mail(inbox.address, `${pat.name} <${pat.email}>`, 'Second thing', 'Second');
    const list = async () => (await parley.api('GET', `/conversations?inbox=${inbox.id}`)).items as { id: number }[];
    await expect.poll(async () => (await list()).length).toBe(2);
    const [a, b] = (await list()).map((c) => ({ conversation_id: c.id }));
    const placements = async () =>
      Promise.all([a, b].map((x) => parley.api('GET', `/conversations/${x.conversation_id}`).then((c) => c.placement)));
    const page = await signIn(browser, parley, ana);
    await page.goto(`/inbox/${inbox.id}/open/c/${a.conversation_id}`);
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Block sender' }).click();
    const dialog = page.getByRole('dialog', { name: 'Block pat@block.test?' });
    await expect(dialog).toContainText(
      'Future email from pat@block.test will go to Filtered, and their 2 conversations in the inbox move to Filtered now.',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await placements()).toEqual(['inbox', 'inbox']);

    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: 'Block sender' }).click();
    await dialog.getByRole('button', { name: 'Block sender' }).click();
    const toast = page.locator('.toast', { hasText: 'pat@block.test blocked' });
    await expect(toast).toBeVisible();
    await expect.poll(placements).toEqual(['filtered', 'filtered']);
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(placements).toEqual(['inbox', 'inbox']);
    const contact = await parley.api('GET', `/conversations/${a.conversation_id}`).then((c) => parley.api('GET', `/contacts/${c.contact.id}`));
    expect(contact.blocked).toBeFalsy();
  });

  test('select all takes the whole view, not the loaded page, and undoes item by item', async ({ browser, parley }) => {
    // 120 conversations pushed and closed in bulk: three minutes, not one,
    // on a busy machine late in the suite (it ran out of time in CI).
    test.slow();
    const inbox = await parley.inbox('Many desk');
    const ana = await parley.user('Ana Many');
    const total = 120; // more than a list page (50) and a bulk page (100)
    for (let i = 0; i < total; i++) await parley.push(inbox.channel, { email: `c${i}@many.test`, name: `Customer ${i}` }, 'Hello', `Question ${i}`);
    const open = async () => (await parley.api('GET', `/conversations?inbox=${inbox.id}&view=open&limit=200`)).items.length;
    const page = await signIn(browser, parley, ana);
    await page.goto(`/inbox/${inbox.id}/open`);
    await expect(page.locator('.conversations .conversation')).toHaveCount(50);
    await page.getByRole('checkbox', { name: 'Select all' }).check();
    const bar = page.getByRole('toolbar', { name: 'Actions on the selection' });
    await expect(bar).toContainText('50 selected');
    await bar.getByRole('button', { name: `Select all ${total} in this view` }).click();
    await expect(bar).toContainText(`All ${total} in this view selected`);
    await shot(page, 'bulk-whole-view');
    await bar.getByRole('button', { name: 'Close' }).click();
    const toast = page.locator('.toast', { hasText: `${total} conversations closed` });
    await expect(toast).toBeVisible();
    // A toast stays while the pointer is on it, however long the list takes
    // to empty on a busy machine (an event: moving the mouse there waits
    // for the toasts to stop moving).
    await toast.dispatchEvent('pointerenter');
    expect(await open()).toBe(0);
    await expect(page.locator('.conversations .conversation')).toHaveCount(0);
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect(page.locator('.toast', { hasText: 'Undone' })).toBeVisible();
    expect(await open()).toBe(total);
  });

  for (const width of [1280, 1440]) {
    test(`the thread header is one row at ${width} px, its menu button whole`, async ({ browser, parley }) => {
      const inbox = await parley.inbox(`Wide desk ${width}`);
      const ana = await parley.user('Ana Wide');
      await parley.api('POST', '/teams', { name: `Billing ${width}`, user_ids: [ana.id] });
      const r = await parley.push(
        inbox.channel,
        { email: 'long.name.customer@example.test', name: 'Maximilian Longname-Customer' },
        'Hi',
        'My parcel from last Tuesday is very late and I need it for a birthday on Saturday',
      );
      const page = await signIn(browser, parley, ana);
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`/inbox/${inbox.id}/open/c/${r.conversation_id}`);
      await expect(page.getByRole('combobox', { name: 'Team' })).toBeVisible();
      const m = await page.locator('.thread-head').evaluate((head) => {
        const box = (el: Element) => el.getBoundingClientRect();
        const s = getComputedStyle(head);
        const title = head.querySelector('.title')!;
        const h2 = head.querySelector('h2')!;
        const toolbar = head.querySelector('.toolbar')!;
        const more = head.querySelector<HTMLElement>('.toolbar .more')!;
        const tops = [...toolbar.querySelectorAll(':scope > *')].map((c) => Math.round(box(c).top + box(c).height / 2));
        const edges = ['paddingTop', 'paddingBottom', 'borderTopWidth', 'borderBottomWidth'] as const;
        return {
          content: box(head).height - edges.reduce((n, k) => n + parseFloat(s[k]), 0),
          row: Math.max(box(title).height, box(toolbar).height),
          h2: box(h2).height,
          lineHeight: parseFloat(getComputedStyle(h2).lineHeight) || parseFloat(getComputedStyle(h2).fontSize) * 1.3,
          centres: new Set(tops).size,
          moreClipped: more.scrollWidth > more.clientWidth,
        };
      });
      expect(m.content).toBeCloseTo(m.row, 0); // the header is one row's height
      expect(m.h2).toBeLessThan(m.lineHeight * 1.5); // the subject on one line
      expect(m.centres).toBe(1); // the actions side by side
      expect(m.moreClipped).toBe(false);
      await shot(page, `thread-header-${width}`);
    });
  }
});

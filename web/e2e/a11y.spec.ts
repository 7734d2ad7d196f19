import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { test, expect, signIn, shot } from './fixtures';

// axe-core, the accessibility engine browsers' own audits use, run in the
// page: every control named, contrast AA, valid roles and labels.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function violations(page: Page): Promise<string[]> {
  // Evaluated through the browser's devtools protocol: a script tag would
  // be inline script, which the app's policy refuses.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // @ts-expect-error axe is the global the script defined
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v: { id: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
  return result as string[];
}

test.describe('accessibility', () => {
  test('the main screens have no WCAG 2.1 AA violations', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Access desk');
    const admin = await parley.user('Ada Access', 'admin');
    await parley.push(inbox.channel, { email: 'a@c.test', name: 'Alex Reader' }, 'Can you read this?', 'Readable');
    await parley.mail(inbox.address, 'Bea Mail <bea@c.test>', 'An email', 'Hello by email');
    const ctx = await browser.newContext({ baseURL: parley.url });
    const signin = await ctx.newPage();
    await signin.goto('/');
    expect(await violations(signin), 'sign-in').toEqual([]);

    const page = await signIn(browser, parley, admin);
    await page.getByRole('combobox', { name: 'Inbox' }).selectOption({ label: 'Access desk' });
    await page.locator('.conversation', { hasText: 'Alex Reader' }).getByRole('link').click();
    await expect(page.getByRole('heading', { name: 'Readable' })).toBeVisible();
    expect(await violations(page), 'inbox and thread').toEqual([]);

    await page.locator('.conversation', { hasText: 'Bea Mail' }).getByRole('link').click();
    await expect(page.getByRole('toolbar', { name: 'Formatting' })).toBeVisible();
    await page.getByText('Filters').click();
    expect(await violations(page), 'email thread with filters open').toEqual([]);

    for (const section of ['profile', 'inboxes', 'channels', 'people', 'library', 'audit']) {
      await page.goto(`/settings/${section}`);
      await expect(page.getByRole('navigation', { name: 'Settings sections' })).toBeVisible();
      await page.waitForLoadState('networkidle');
      expect(await violations(page), `settings ${section}`).toEqual([]);
    }
  });

  test('a phone-width screen reads and replies', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Phone desk');
    const ana = await parley.user('Ana Phone');
    await parley.push(inbox.channel, { email: 'p@c.test', name: 'Pat Mobile' }, 'Hello from a phone', 'On the go');
    const ctx = await browser.newContext({ baseURL: parley.url, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await page.goto('/');
    await page.locator('input[type=email]').fill(ana.email);
    await page.locator('input[type=password]').fill(ana.password);
    await page.locator('button[type=submit]').click();
    const item = page.locator('.conversation', { hasText: 'Pat Mobile' });
    await expect(item).toBeVisible();
    await shot(page, 'phone-list');
    await item.getByRole('link').click();
    await expect(page.getByRole('heading', { name: 'On the go' })).toBeVisible();
    await expect(item).toBeHidden();
    const box = page.getByRole('textbox', { name: 'Your reply' });
    await box.fill('Answered from my phone');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(page.getByRole('listitem', { name: 'Reply from Ana Phone' })).toBeVisible();
    await shot(page, 'phone-thread');
    await page.getByRole('button', { name: 'Back to the list' }).click();
    await expect(item).toBeVisible();
    await page.getByRole('button', { name: 'Menu' }).click();
    await expect(page.getByRole('link', { name: /^Assigned to me/ })).toBeInViewport();
    // The menu button sits beside the logo, never on it — measured once the
    // menu has slid in (a trial click waits for the logo to be still, and
    // fails if the button covers it).
    await page.locator('.sidebar .brand .logo').click({ trial: true, timeout: 5000 });
    const toggle = (await page.getByRole('button', { name: 'Menu' }).boundingBox())!;
    const brand = (await page.locator('.sidebar .brand').boundingBox())!;
    const logo = (await page.locator('.sidebar .brand .logo').boundingBox())!;
    expect(toggle.x + toggle.width <= logo.x || toggle.y + toggle.height <= brand.y, 'menu button over the logo').toBe(true);
    await shot(page, 'phone-menu');
    expect(await violations(page), 'phone').toEqual([]);
  });
});

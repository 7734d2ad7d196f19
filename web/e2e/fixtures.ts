import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { Parley, type User } from './server';

export { expect };

// Errors thrown in any page a test opened; the test fails on them.
const pageErrors: string[] = [];

/** signIn opens a fresh browser context and signs in with a password. */
export async function signIn(browser: Browser, parley: Parley, u: User, locale = 'en-US', prepare?: (ctx: BrowserContext) => Promise<void>): Promise<Page> {
  const ctx = await browser.newContext({ locale, baseURL: parley.url });
  await prepare?.(ctx);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${u.name}: ${e.message}`));
  await page.goto('/');
  await page.locator('input[type=email]').fill(u.email);
  await page.locator('input[type=password]').fill(u.password);
  await page.locator('button[type=submit]').click();
  await expect(page.getByRole('navigation', { name: /inbox|boîte/i })).toBeVisible();
  return page;
}

/** shot saves a screenshot of a main screen as a test artifact. */
export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png` });
}

export const test = base.extend<
  { noPageErrors: void; noPolicyViolations: void; expectedViolations: RegExp[] },
  { parley: Parley; ownServer: boolean }
>({
  // test.use({ ownServer: true }) gives a file a server apart from the
  // shared one (a worker fixture option: files that differ in it never
  // share a worker), for checks that read whole screens or change
  // organisation-wide settings. The files that use it share that one
  // server among themselves: one that changes a setting for all puts it
  // back in test.afterAll (two-factor.spec.ts once broke webhooks.spec.ts).
  ownServer: [false, { scope: 'worker', option: true }],
  noPageErrors: [
    async ({}, use) => {
      pageErrors.length = 0;
      await use();
      expect(pageErrors, 'errors in the pages').toEqual([]);
    },
    { auto: true },
  ],
  // Content Security Policy violations in any page of any context a test
  // opens (frames included: the email frame inherits the app's policy)
  // fail the test: the policy must not break the app (issue 10). Chromium
  // reports each one on the console. test.use({ expectedViolations }) lets
  // through those a test provokes on purpose.
  expectedViolations: [[], { option: true }],
  noPolicyViolations: [
    async ({ browser, expectedViolations }, use) => {
      const violations: string[] = [];
      // Every context a test opens is closed after it (its failure
      // screenshots and traces are taken before): left open, they piled up
      // and slowed the late tests of the suite until a sign-in timed out.
      const opened: BrowserContext[] = [];
      const newContext = browser.newContext;
      browser.newContext = async function (this: Browser, options) {
        const ctx = await newContext.call(this, options);
        opened.push(ctx);
        ctx.on('console', (m) => {
          const text = m.text();
          if (/Content Security Policy/i.test(text) && !expectedViolations.some((re) => re.test(text))) {
            violations.push(`${m.location().url}: ${text}`);
          }
        });
        return ctx;
      };
      try {
        await use();
      } finally {
        browser.newContext = newContext;
        await Promise.all(opened.map((ctx) => ctx.close().catch(() => {})));
      }
      expect(violations, 'Content Security Policy violations').toEqual([]);
    },
    { auto: true },
  ],
  parley: [
    async ({ ownServer }, use) => {
      void ownServer;
      const p = new Parley();
      await p.start();
      await use(p);
      await p.stop();
    },
    { scope: 'worker' },
  ],
});

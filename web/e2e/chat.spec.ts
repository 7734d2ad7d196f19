import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FrameLocator, Page } from '@playwright/test';
import { test, expect, signIn } from './fixtures';

// A website of the customer's, on another origin than Parley's (localhost
// vs 127.0.0.1: another site too), with CSS that would wreck anything it
// reached.
async function website(parleyURL: string, key: string): Promise<{ url: string; close: () => Promise<void> }> {
  const page = `<!doctype html><html><head><title>Shop</title><style>
    * { all: unset !important; } div, iframe, button { display: none !important; } body { display: block !important; font-size: 40px !important; }
  </style></head><body><h1>Welcome to the shop</h1>
  <script src="${parleyURL}/widget.js" data-inbox="${key}" async></script></body></html>`;
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://localhost:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}

function chat(page: Page): FrameLocator {
  return page.frameLocator('parley-chat iframe');
}

test.describe('live chat', () => {
  test('a visitor on another site chats with an agent, both ways, and a dropped connection loses and repeats nothing', async ({ browser, parley }) => {
    const inbox = await parley.inbox('Web shop');
    const site0 = await website(parley.url, 'pending');
    const ch = await parley.api('POST', `/inboxes/${inbox.id}/channels`, {
      kind: 'chat', name: 'Shop chat', config: { allowed_origins: [site0.url] },
    });
    await site0.close();
    const site = await website(parley.url, ch.public_key);
    // The site must be allowed: the port differs each run.
    await parley.api('PATCH', `/channels/${ch.id}`, { config: { allowed_origins: [site.url] } });
    try {
      const visitor = await (await browser.newContext()).newPage();
      await visitor.goto(site.url);
      const launcher = visitor.locator('parley-chat').getByRole('button', { name: 'Shop chat' });
      await expect(launcher).toBeVisible();
      await launcher.click();
      const frame = chat(visitor);
      await frame.getByRole('textbox').fill('Hello, is my order shipped?');
      await frame.getByRole('button', { name: 'Send' }).click();
      await expect(frame.getByText('Hello, is my order shipped?')).toBeVisible();

      const agent = await signIn(browser, parley, await parley.user('Agent Chat'));
      await agent.goto('/');
      await agent.getByRole('link', { name: /Hello, is my order shipped\?/ }).first().click();
      await agent.getByRole('textbox', { name: 'Your reply' }).fill('Yes, it left this morning.');
      await agent.getByRole('button', { name: /^Send/ }).click();
      await expect(frame.getByText('Yes, it left this morning.')).toBeVisible();
    } finally {
      await site.close();
    }
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, FrameLocator, Page } from '@playwright/test';
import type { Parley } from './server';

// A website of the customer's, on another origin than Parley's (localhost
// against 127.0.0.1: another site too), with CSS that would wreck anything
// it reached. Its port is chosen first, so the chat can allow it.
export class Website {
  url = '';
  key = '';
  identity = ''; // data-identity: the site's signed-in user
  private server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Shop</title><style>
      * { all: unset !important; } div, iframe, button { display: none !important; }
      body { display: block !important; font-size: 40px !important; }
    </style></head><body><h1>Welcome to the shop</h1>
    <script src="${this.parley}/widget.js" data-inbox="${this.key}" data-identity="${this.identity}" async></script></body></html>`);
  });
  constructor(private parley: string) {}
  async start() {
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    this.url = `http://localhost:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  /** chatIn makes an inbox with a chat this site shows, and returns the inbox. */
  async chatIn(parley: Parley, name: string) {
    const inbox = await parley.inbox(name);
    const ch = await parley.api('POST', `/inboxes/${inbox.id}/channels`, { kind: 'chat', name: `${name} chat`, config: { allowed_origins: [this.url] } });
    this.key = ch.public_key;
    return inbox;
  }
  close() {
    return new Promise<void>((ok) => this.server.close(() => ok()));
  }
}

export const chat = (page: Page): FrameLocator => page.frameLocator('parley-chat iframe');
export const launcher = (page: Page) => page.locator('parley-chat').getByRole('button');

export async function visit(browser: Browser, url: string, locale = 'en-US'): Promise<Page> {
  const page = await (await browser.newContext({ locale })).newPage();
  await page.goto(url);
  return page;
}

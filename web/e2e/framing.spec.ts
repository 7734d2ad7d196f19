import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, signIn } from './fixtures';

// Issue 10: a page on the same site framed the signed-in app, and a click
// closed a conversation. No page of Parley shows inside another page now.
test.describe('framing', () => {
  test.use({ expectedViolations: [/frame-ancestors/] });

  let attacker: Server;
  test.afterEach(() => attacker?.close());

  test('the app and the server’s pages refuse to show in a frame', async ({ browser, parley }) => {
    const paths = ['/', '/inbox', '/login/nope', '/verify-from/nope', '/api/v1/docs'];
    // The attacker's page: same host, another port, so the session cookie
    // goes along with the framed requests.
    attacker = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(paths.map((p) => `<iframe src="${parley.url}${p}"></iframe>`).join(''));
    });
    await new Promise<void>((ok) => attacker.listen(0, '127.0.0.1', ok));
    const ana = await parley.user('Ana Framed');
    const page = await signIn(browser, parley, ana);
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes("frame-ancestors 'none'")) refused.push(m.text());
    });

    await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    const frames = page.mainFrame().childFrames();
    expect(frames).toHaveLength(paths.length);
    for (const f of frames) {
      // A refused frame holds the browser's error page, never ours.
      expect(f.url(), 'a framed page of Parley').toBe('chrome-error://chromewebdata/');
    }
    await expect.poll(() => refused.length).toBe(paths.length);
  });
});

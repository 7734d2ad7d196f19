// W9 (BENCHMARKS.md): the web app's shell size, and how long a signed-in
// agent waits for the first conversation list, against a real parley serve
// on a seeded dataset, in Debian's Chromium on loopback.
//
//   node web/bench/first-paint.mjs --dir data-bench/1000000 [--runs 7]
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (v.startsWith('--') ? [...a, [v.slice(2), all[i + 1]]] : a), []));
const dir = resolve(args.dir ?? 'data-bench/1000000');
const runs = Number(args.runs ?? 7);
const bin = resolve(here, '../../bin/parley');

// The shell: what index.html loads before the first list; the rich-text
// editor is a separate chunk loaded on demand.
const dist = resolve(here, '../dist/app');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const shell = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const size = (f) => gzipSync(readFileSync(join(dist, f))).length;
const shellJS = shell.filter((f) => f.endsWith('.js')).reduce((n, f) => n + size(f), 0);
const shellCSS = shell.filter((f) => f.endsWith('.css')).reduce((n, f) => n + size(f), 0);
const lazy = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js') && !shell.includes(`assets/${f}`)).reduce((n, f) => n + size(`assets/${f}`), 0);

const port = await new Promise((ok) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => ok(p));
  });
});
const url = `http://127.0.0.1:${port}`;
const server = spawn(bin, ['serve'], {
  env: { ...process.env, PARLEY_DATA_DIR: dir, PARLEY_LISTEN: `127.0.0.1:${port}`, PARLEY_SMTP_ADDR: 'off', PARLEY_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  for (let i = 0; ; i++) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) break;
    if (i > 300) throw new Error('parley did not get ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const dataset = JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8'));
  const token = dataset.tokens[0];
  const password = 'bench-password-1';
  const me = await (await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).json();
  if (!me.has_password) {
    const r = await fetch(`${url}/api/v1/me/password`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
    if (!r.ok) throw new Error(`set password: ${r.status}`);
  }

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const first = await browser.newContext({ baseURL: url });
  const signin = await first.newPage();
  await signin.goto('/');
  await signin.locator('input[type=email]').fill(me.email);
  await signin.locator('input[type=password]').fill(password);
  await signin.locator('button[type=submit]').click();
  await signin.locator('.conversation').first().waitFor();
  const state = await first.storageState();
  await first.close();

  const times = [];
  for (let i = 0; i < runs; i++) {
    // A new context each time: nothing cached but the session cookie.
    const ctx = await browser.newContext({ baseURL: url, storageState: state });
    const page = await ctx.newPage();
    await page.goto('/');
    await page.locator('.conversation').first().waitFor();
    const ms = await page.evaluate(() => new Promise((ok) => {
      const get = () => performance.getEntriesByName('parley:first-list')[0];
      const wait = () => (get() ? ok(get().startTime) : requestAnimationFrame(wait));
      wait();
    }));
    times.push(ms);
    await ctx.close();
  }
  await browser.close();
  times.sort((a, b) => a - b);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`W9 web app (${dataset.conversations.toLocaleString('en')} conversations, ${dataset.engine})`);
  console.log(`  shell: ${kb(shellJS)} JS + ${kb(shellCSS)} CSS gzipped; loaded on demand: ${kb(lazy)} JS`);
  console.log(`  first list painted after navigation, ${runs} cold loads: median ${times[runs >> 1].toFixed(0)} ms, max ${times[runs - 1].toFixed(0)} ms (all: ${times.map((t) => t.toFixed(0)).join(', ')})`);
} finally {
  server.kill('SIGTERM');
}

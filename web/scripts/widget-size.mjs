// The chat widget's weight budget (SPEC CHT-1): the loader a site loads on
// every page, at most 3 KB gzipped; what the chat's frame loads when a
// visitor opens it, at most 30 KB gzipped (its HTML, scripts and styles).
// Prints both and fails the build above budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dist = new URL('../dist/app/', import.meta.url).pathname;
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const html = readFileSync(join(dist, 'widget.html'), 'utf8');
const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
const budgets = [
  ['loader (widget.js)', gz('widget.js'), 3 * 1024],
  [`chat frame (widget.html + ${assets.length} files)`, gz('widget.html') + assets.reduce((n, f) => n + gz(f), 0), 30 * 1024],
];
let over = false;
for (const [name, size, budget] of budgets) {
  const ok = size <= budget;
  over ||= !ok;
  console.log(`widget size: ${name}: ${(size / 1024).toFixed(1)} KB gzipped (budget ${budget / 1024} KB)${ok ? '' : ' — OVER BUDGET'}`);
}
if (over) process.exit(1);

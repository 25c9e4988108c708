// npm run budget: the web account's budgets, measured in Chromium against a
// running tez with the demo data (TEZ_URL, default http://127.0.0.1:8080):
// the first page's JavaScript gzipped, the first render of My numbers (from
// navigation start to the SIM cards on screen, signed in, median of 5
// loads), and the console errors on the way. Prints the figures; exits 1
// when one is over its budget.
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.TEZ_URL ?? 'http://127.0.0.1:8080';
const budget = { jsKB: 150, renderMs: 1000, consoleErrors: 0 };
const dir = mkdtempSync(join(tmpdir(), 'tez-budget-'));
const context = await chromium.launchPersistentContext(dir, {
  executablePath: process.env.TEZ_CHROMIUM ?? '/usr/bin/chromium', headless: true, viewport: { width: 390, height: 844 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const errors = [];
const watch = (p) => {
  p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  p.on('pageerror', (e) => errors.push(e.message));
};
try {
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  const scripts = [];
  page.on('response', async (r) => {
    if (r.request().resourceType() === 'script') scripts.push({ url: r.url(), body: await r.body() });
  });
  await page.goto(`${base}/account/`);
  await page.getByLabel('Email').fill(process.env.TEZ_EMAIL ?? 'demo@tez.example');
  await page.getByLabel('Password').fill(process.env.TEZ_PASSWORD ?? 'tez-demo-2026');
  await page.getByRole('button', { name: /Sign in|Войти/ }).click();
  await page.locator('.cards li').first().waitFor();
  const js = scripts.reduce((n, s) => n + gzipSync(s.body, { level: 9 }).length, 0) / 1024;

  // Each load: a new tab, signed in by the cookie; the time the first card is in the DOM.
  await context.addInitScript(() => {
    new MutationObserver((_, o) => {
      if (document.querySelector('.cards li')) {
        window.__firstCards = performance.now();
        o.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const times = [];
  for (let i = 0; i < 5; i++) {
    const p = await context.newPage();
    watch(p);
    await p.goto(`${base}/account/numbers`);
    await p.waitForFunction(() => window.__firstCards);
    times.push(await p.evaluate(() => window.__firstCards));
    await p.close();
  }
  times.sort((a, b) => a - b);
  const median = times[2];
  console.log(`first page JavaScript: ${js.toFixed(1)} KB gzipped (${scripts.length} script${scripts.length === 1 ? '' : 's'}; budget ${budget.jsKB} KB)`);
  console.log(`first render of My numbers: median ${median.toFixed(0)} ms, ${times.map((t) => t.toFixed(0)).join('/')} ms over 5 loads (budget ${budget.renderMs} ms)`);
  console.log(`console errors: ${errors.length}${errors.length ? ': ' + errors.join(' | ') : ''} (budget ${budget.consoleErrors})`);
  process.exitCode = js > budget.jsKB || median > budget.renderMs || errors.length > budget.consoleErrors ? 1 : 0;
} finally {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
}

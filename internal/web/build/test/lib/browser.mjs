// The browser suite's harness: Debian's Chromium with a fresh profile,
// a screenshot and an axe-core check at every step, every console error
// and failed request collected (the suite asserts there are none).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const base = process.env.TEZ_URL;
const artifacts = process.env.TEZ_ARTIFACTS;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const demo = { email: 'demo@tez.example', password: 'tez-demo-2026' };

const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A browser of its own (a fresh --user-data-dir), a phone's screen, the given language. */
export async function open(t, { locale = 'en-US' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tez-web-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.TEZ_CHROMIUM, args: flags, headless: true,
    locale, viewport: { width: 390, height: 844 }, timezoneId: 'Asia/Almaty',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => d.accept());
  let n = 0;
  const slug = t.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 60);
  const b = {
    context, page, problems,
    /** Screenshot and accessibility check of the page as it is now. */
    async step(name) {
      await page.screenshot({ path: join(artifacts, `${slug}-${String(++n).padStart(2, '0')}-${name}.png`), fullPage: true });
      // Loaded once per document: the account changes pages without reloading.
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
      const r = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
      const found = r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((x) => x.target.join(' ')).join(', ')})`);
      assert.deepEqual(found, [], `axe-core on ${name} (${page.url()})`);
    },
    /** The end of a journey: not one console error on the way. */
    async close() {
      assert.deepEqual(problems, [], 'console errors');
    },
  };
  // Closed even when an assertion fails, so the suite never hangs on a browser.
  t.after(async () => {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return b;
}

/** Signs in on the sign-in page and waits for My numbers. */
export async function signIn(b, { email, password }, words = en) {
  const { page } = b;
  await page.goto(`${base}/account/`);
  await page.getByLabel(words.email).fill(email);
  await page.getByLabel(words.password, { exact: true }).fill(password);
  await page.getByRole('button', { name: words.signIn }).click();
  await page.getByRole('heading', { level: 1, name: words.numbers }).waitFor();
}

export const en = { email: 'Email', password: 'Password', signIn: 'Sign in', numbers: 'My numbers' };
export const ru = { email: 'Эл. почта', password: 'Пароль', signIn: 'Войти', numbers: 'Мои номера' };

/** The mail the SMTP sink received for addr, newest last. */
export async function mail(addr, { subject, timeout = 15000 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const got = await (await fetch(`${process.env.TEZ_MAILBOX}/?to=${encodeURIComponent(addr)}`)).json();
    const m = (got ?? []).filter((x) => !subject || subject.test(x.Subject));
    if (m.length) return m[m.length - 1];
    if (Date.now() > end) throw new Error(`no mail to ${addr}${subject ? ` matching ${subject}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The link of a mail that opens path. */
export function linkIn(m, path) {
  const found = (m.Text + ' ' + m.HTML).match(new RegExp(`https?://[^\\s"<>]*${path}[^\\s"<>]*`));
  assert.ok(found, `a link to ${path} in "${m.Subject}"`);
  return found[0].replace(/&amp;/g, '&');
}

/** Support changes a SIM's balance from elsewhere (tez ledger adjust), once the page listens. */
export async function adjust(iccid, amount) {
  const r = await fetch(`${process.env.TEZ_LEDGER}/?iccid=${iccid}&amount=${amount}`, { method: 'POST' });
  assert.equal(r.status, 200, `adjust ${iccid} by ${amount}: ${await r.text()}`);
}

/** Dollars as the screen shows them ($18.40) to cents, and back. */
export const cents = (shown) => Math.round(Number(shown.replace(/[^0-9.-]/g, '')) * 100);
export const dollars = (c) => `$${(c / 100).toFixed(2)}`;

/** Runs one of the account's own operations by its id, as a guest (the server trusts only those). */
export async function operation(name, variables) {
  const manifest = JSON.parse(readFileSync(new URL('../../../assets/persisted-documents.json', import.meta.url), 'utf8'));
  const id = Object.keys(manifest).find((k) => new RegExp(`(query|mutation) ${name}\\b`).test(manifest[k]));
  assert.ok(id, `the account has an operation ${name}`);
  const r = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ documentId: id, variables }) });
  const body = await r.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

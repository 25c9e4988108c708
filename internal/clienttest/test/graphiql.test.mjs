// GraphiQL as a person uses it, in Chromium with every other host cut off:
// the page loads from the server alone, signs in, runs a query with the
// token in the headers editor, and leaves no token in localStorage.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { demo, tez } from '../lib/tez.mjs';

const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);

test('GraphiQL works offline and keeps the token out of localStorage', {
  skip: !executablePath && 'Chromium is not installed (apt-get install chromium): the GraphiQL browser test did not run',
}, async () => {
  const origin = new URL(tez.endpoint).origin;
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext();
    const elsewhere = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      elsewhere.push(url);
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));

    const editor = (selector) => ({
      get: () => page.evaluate((s) => document.querySelector(s).CodeMirror.getValue(), selector),
      set: (v) => page.evaluate(([s, v]) => document.querySelector(s).CodeMirror.setValue(v), [selector, v]),
    });
    const query = editor('.graphiql-query-editor .CodeMirror');
    // The headers editor is the tool editor shown once its tab is chosen.
    const headers = editor('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
    const response = editor('.graphiql-response .CodeMirror');
    const run = async () => {
      const before = await response.get();
      await page.click('.graphiql-execute-button');
      await page.waitForFunction((b) => {
        const v = document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue();
        return v && v !== b;
      }, before);
      return JSON.parse(await response.get());
    };

    await page.goto(`${origin}/`);
    await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 30000 });
    // The page's own example signs the demo customer in.
    assert.match(await query.get(), /mutation SignIn/);
    const signIn = await run();
    const token = signIn.data.login.token;
    assert.ok(token, JSON.stringify(signIn));

    await page.click('button:has-text("Headers")');
    await headers.set(JSON.stringify({ Authorization: `Bearer ${token}` }));
    await query.set('query Me { me { email } }');
    await page.waitForTimeout(300); // GraphiQL reads the operation name after an edit
    const me = await run();
    assert.equal(me.data?.me?.email, demo.email, JSON.stringify(me));

    await page.waitForTimeout(800); // GraphiQL stores its tabs after 500 ms
    const stored = await page.evaluate(() => ({ ...localStorage }));
    assert.ok(stored['tez:graphiql:tabState']?.includes('query Me'), 'GraphiQL stored its tabs');
    // No headers anywhere: not in its tabs, its history, its favourites.
    const headersKept = [];
    const walk = (v, where) => {
      if (v && typeof v === 'object') Object.entries(v).forEach(([k, w]) => (k === 'headers' && w ? headersKept.push(where) : walk(w, where)));
    };
    for (const [key, value] of Object.entries(stored)) {
      assert.ok(!value.includes(token), `the token is in localStorage's ${key}`);
      try { walk(JSON.parse(value), key); } catch { /* a query's text */ }
    }
    assert.deepEqual(headersKept, [], 'headers kept in localStorage');
    assert.equal(stored['tez:graphiql:headers'], undefined);
    await page.reload();
    await page.waitForSelector('.graphiql-query-editor .CodeMirror');
    await page.click('button:has-text("Headers")');
    assert.equal(await headers.get(), '', 'a reload brings no headers back');
    if (process.env.GRAPHIQL_SCREENSHOT) await page.screenshot({ path: process.env.GRAPHIQL_SCREENSHOT });

    assert.deepEqual(elsewhere, [], 'the page asked another host');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

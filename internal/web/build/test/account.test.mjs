// The web account as customers use it, every section, in Chromium against
// the real server (run by go test ./internal/web).
import test from 'node:test';
import assert from 'node:assert/strict';
import { base, demo, en, linkIn, mail, open, ru, signIn } from './lib/browser.mjs';

test('the demo customer signs in and sees every SIM with its balance, in English and Russian', async (t) => {
  const b = await open(t);
  const { page } = b;
  await page.goto(`${base}/account/`);
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await b.step('sign-in');
  // A wrong password: the API's message, announced.
  await page.getByLabel('Email').fill(demo.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: /./ }).waitFor();
  await b.step('wrong-password');
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'My numbers' }).waitFor();
  const phone = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'My phone' }) });
  await assert.doesNotReject(phone.getByText('$18.40').waitFor());
  await assert.doesNotReject(phone.getByText('8999701000000000015').waitFor());
  await b.step('my-numbers');

  // The session is in an HttpOnly cookie: scripts see no token anywhere.
  const seen = await page.evaluate(() => ({ cookie: document.cookie, local: { ...localStorage }, session: { ...sessionStorage } }));
  assert.doesNotMatch(seen.cookie, /tez_session/);
  assert.doesNotMatch(JSON.stringify(seen.local) + JSON.stringify(seen.session), /tzs_/);
  const cookie = (await b.context.cookies()).find((c) => c.name === 'tez_session');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');

  // The language switch: Russian words, Russian ways of writing money.
  await page.getByRole('button', { name: 'Русский' }).click();
  await page.getByRole('heading', { level: 1, name: 'Мои номера' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru');
  await assert.doesNotReject(page.getByText('18,40 $').first().waitFor());
  await b.step('my-numbers-ru');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Мои номера' }).waitFor();
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'My numbers' }).waitFor();
  await b.close();
});

test('a Russian browser gets the account in Russian', async (t) => {
  const b = await open(t, { locale: 'ru-RU' });
  const { page } = b;
  await signIn(b, demo, ru);
  await page.getByRole('link', { name: 'Мои заказы' }).click();
  await page.getByRole('heading', { level: 1, name: 'Мои заказы' }).waitFor();
  await page.getByText('Ждёт оплаты').first().waitFor();
  await b.step('orders-ru');
  await b.close();
});

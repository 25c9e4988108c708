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

test('adds a SIM by ICCID and code, the check digit checked as typed; labels and removes it', async (t) => {
  const b = await open(t);
  const { page } = b;
  await signIn(b, demo);
  const iccid = page.getByLabel('ICCID');
  await iccid.fill('899970100000000');
  await page.getByText('15 of 19 or 20 digits.').waitFor();
  await iccid.fill('8999701000000001014');
  await page.getByText('The last digit does not match: check the number for a typo.').waitFor();
  await b.step('check-digit');
  await iccid.fill('8999701000000001013');
  await page.getByText('The number looks right.').waitFor();
  await page.getByLabel('Activation code').fill('TEZ00000');
  await page.getByRole('button', { name: 'Add the SIM' }).click();
  await page.locator('.error, .alert').filter({ hasText: /./ }).first().waitFor();
  await b.step('wrong-code');
  await page.getByLabel('Activation code').fill('TEZ07919');
  await page.getByRole('button', { name: 'Add the SIM' }).click();
  await page.getByRole('status').filter({ hasText: 'SIM 1013 was added.' }).waitFor();
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'SIM 1013' }) });
  await card.getByText('8999701000000001013').waitFor();
  await b.step('added');
  await card.getByRole('button', { name: 'Rename SIM 1013' }).click();
  await card.getByLabel('Label').fill('Travel');
  await card.getByRole('button', { name: 'Save' }).click();
  const travel = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Travel', exact: true }) });
  await travel.waitFor();
  await b.step('labelled');
  // Alerts (simCardAlertsUpdate): a low-balance email at 2.00.
  await travel.getByRole('button', { name: 'Alerts Travel' }).click();
  const alerts = page.getByRole('form', { name: 'Email alerts: Travel' });
  await alerts.getByLabel('Email me when the balance is at or below').fill('2.00');
  await alerts.getByLabel('Email me this many days before it runs out').fill('45');
  await alerts.getByRole('button', { name: 'Save' }).click();
  await alerts.locator('.error, .alert').filter({ hasText: /./ }).first().waitFor();
  await b.step('alerts-invalid');
  await alerts.getByLabel('Email me this many days before it runs out').fill('3');
  await alerts.getByRole('button', { name: 'Save' }).click();
  await travel.getByText('Low balance: email at $2.00 or below; Running out: email 3 days ahead').waitFor();
  await b.step('alerts-set');
  await travel.getByRole('button', { name: 'Remove Travel' }).click();
  await page.getByRole('status').filter({ hasText: 'SIM Travel was removed.' }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Travel', exact: true }).count(), 0);
  await b.step('removed');
  await b.close();
});

test('pages the history of a SIM, with per-country totals and the CSV download', async (t) => {
  const b = await open(t);
  const { page } = b;
  await signIn(b, demo);
  await page.getByRole('navigation').getByRole('link', { name: 'My history' }).click();
  await page.getByRole('heading', { level: 1, name: 'My history' }).waitFor();
  await page.getByLabel('From').fill('2020-01-01');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  const sessions = page.locator('section', { has: page.getByRole('heading', { name: 'Sessions' }) }).locator('tbody tr');
  await sessions.first().waitFor();
  assert.equal(await sessions.count(), 10);
  const byCountry = page.getByRole('table', { name: 'By country' });
  assert.ok((await byCountry.locator('tbody tr').count()) >= 1);
  await b.step('history');
  const shown = await page.getByText(/^10 of \d+$/).textContent();
  const total = Number(shown.split(' of ')[1]);
  assert.ok(total > 10, `the demo SIM has ${total} sessions: more than a page`);
  const sessionsSection = page.locator('section', { has: page.getByRole('heading', { name: 'Sessions' }) });
  await sessionsSection.getByRole('button', { name: 'Show more' }).click();
  await page.getByText(`${Math.min(20, total)} of ${total}`).waitFor();
  assert.equal(await sessions.count(), Math.min(20, total));
  await b.step('history-page-2');
  // The balance changes of the SIM, newest first, paged too.
  const changes = page.locator('section', { has: page.getByRole('heading', { name: 'Balance changes' }) });
  await changes.locator('tbody tr').first().waitFor();
  assert.equal(await changes.locator('tbody tr').count(), 10);
  assert.ok((await changes.locator('tbody td').filter({ hasText: /^(Top-up|Data used)$/ }).count()) >= 1);
  await changes.getByRole('button', { name: 'Show more' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#h-balance ~ table tbody tr').length > 10);
  await b.step('balance-changes');
  const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
  const csv = await page.request.get(href);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()['content-type'], /text\/csv/);
  await b.close();
});

test('pays an order on the sandbox page and comes back to it paid, buys it again and cancels that', async (t) => {
  const b = await open(t);
  const { page } = b;
  await signIn(b, demo);
  await page.getByRole('navigation').getByRole('link', { name: 'My orders' }).click();
  await page.getByRole('heading', { level: 1, name: 'My orders' }).waitFor();
  await b.step('orders');
  await page.getByRole('listitem').filter({ hasText: 'Waiting for payment' }).first().getByRole('link').click();
  const title = page.getByRole('heading', { level: 1, name: /^Order TEZ-/ });
  await title.waitFor();
  const number = (await title.textContent()).replace('Order ', '');
  await b.step('order-unpaid');
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.getByRole('heading', { name: 'Sandbox payment' }).waitFor();
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByRole('link', { name: 'Back to the shop' }).click();
  await page.waitForURL(`**/account/orders/${number}`);
  await page.getByRole('heading', { level: 1, name: `Order ${number}` }).waitFor();
  // A top-up voucher is credited once paid: the order is paid and delivered.
  await page.locator('.badge').filter({ hasText: /^(Paid|Delivered)$/ }).waitFor();
  await page.locator('dt', { hasText: 'Paid' }).waitFor();
  await b.step('order-paid');
  await page.getByRole('button', { name: 'Buy again' }).click();
  await page.getByRole('status').filter({ hasText: /A new order TEZ-\d+ was placed/ }).waitFor();
  await page.waitForFunction((n) => !document.querySelector('h1')?.textContent.includes(n), number);
  const again = (await page.getByRole('heading', { level: 1 }).textContent()).replace('Order ', '');
  assert.notEqual(again, number);
  await page.locator('.badge').filter({ hasText: 'Waiting for payment' }).waitFor();
  await b.step('bought-again');
  await page.getByRole('button', { name: 'Cancel the order' }).click();
  await page.getByRole('status').filter({ hasText: 'The order was cancelled.' }).waitFor();
  await page.locator('.badge').filter({ hasText: 'Cancelled' }).waitFor();
  await b.step('cancelled');
  await page.getByRole('link', { name: 'All orders' }).click();
  await page.getByRole('listitem').filter({ hasText: again }).filter({ hasText: 'Cancelled' }).waitFor();
  await b.close();
});

test('edits the address book: add, edit, make default, delete', async (t) => {
  const b = await open(t);
  const { page } = b;
  await signIn(b, demo);
  await page.getByRole('navigation').getByRole('link', { name: 'My addresses' }).click();
  await page.getByRole('heading', { level: 1, name: 'My addresses' }).waitFor();
  await b.step('addresses');
  await page.getByRole('button', { name: 'Add an address' }).click();
  const form = page.getByRole('form', { name: 'Add an address' });
  await form.getByLabel('Recipient').fill('Dana Web');
  await form.getByLabel('Street and number').fill('Abay 10');
  await form.getByLabel('City').fill('Almaty');
  await form.getByLabel('Postal code').fill('12');
  await form.getByLabel('Country code (e.g. KZ)').fill('kz');
  await form.getByRole('button', { name: 'Save' }).click();
  const postal = form.getByLabel('Postal code');
  await page.waitForFunction(() => document.querySelector('input[name="postalCode"]')?.getAttribute('aria-invalid') === 'true');
  const describedBy = await postal.getAttribute('aria-describedby');
  const message = await page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent();
  assert.ok(message.length > 5, `the API's message beside the postal code: ${message}`);
  await b.step('address-invalid');
  await postal.fill('050000');
  await form.getByRole('button', { name: 'Save' }).click();
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Dana Web, Almaty' }) });
  await card.waitFor();
  await b.step('address-added');
  await card.getByRole('button', { name: 'Edit Dana Web, Almaty' }).click();
  await page.getByRole('form', { name: 'Edit the address' }).getByLabel('City').fill('Astana');
  await page.getByRole('form', { name: 'Edit the address' }).getByRole('button', { name: 'Save' }).click();
  const edited = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Dana Web, Astana' }) });
  await edited.waitFor();
  await edited.getByRole('button', { name: 'Make default Dana Web, Astana' }).click();
  await edited.getByText('Default address').waitFor();
  assert.equal(await page.getByText('Default address', { exact: true }).count(), 1);
  await b.step('address-default');
  await edited.getByRole('button', { name: 'Delete Dana Web, Astana' }).click();
  await page.getByRole('status').filter({ hasText: 'The address was deleted.' }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Dana Web, Astana' }).count(), 0);
  await page.getByText('Default address', { exact: true }).waitFor(); // another one took its place
  await b.step('address-deleted');
  await b.close();
});

test('registers with the terms, follows the verification link from the mail, edits the profile and changes the password', async (t) => {
  const b = await open(t);
  const { page } = b;
  const email = `web-${Date.now()}@example.com`;
  await page.goto(`${base}/account/register`);
  await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long first passphrase');
  await page.getByLabel('Full name').fill('Web Walker');
  await page.getByRole('button', { name: 'Create the account' }).click();
  const terms = page.getByLabel('I accept the terms of the user agreement');
  await page.waitForFunction(() => document.getElementById('accept')?.getAttribute('aria-invalid') === 'true');
  await page.locator('#accept-err').waitFor();
  await b.step('terms-required');
  await terms.check();
  await page.getByRole('button', { name: 'Create the account' }).click();
  await page.getByRole('heading', { level: 1, name: 'My numbers' }).waitFor();
  await page.getByText('No SIM cards yet.', { exact: false }).waitFor();
  await b.step('registered');

  const link = linkIn(await mail(email, { subject: /confirm/i }), '/account/verify-email');
  await page.goto(link);
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await page.getByText('Your email is confirmed').first().waitFor();
  await b.step('email-confirmed');

  await page.goto(`${base}/account/profile`);
  await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
  assert.equal(await page.getByText('Your email is not confirmed yet.').count(), 0);
  const profile = page.locator('section', { has: page.getByRole('heading', { name: 'Profile' }) });
  await profile.getByLabel('Phone').fill('not a phone');
  await profile.getByRole('button', { name: 'Save' }).click();
  await profile.locator('.error').waitFor();
  await b.step('phone-invalid');
  await profile.getByLabel('Phone').fill('+7 701 123 45 67');
  await profile.getByRole('button', { name: 'Save' }).click();
  await profile.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  assert.equal(await profile.getByLabel('Phone').inputValue(), '+77011234567');

  const pw = page.locator('section', { has: page.getByRole('heading', { name: 'Change the password' }) });
  await pw.getByLabel('Current password').fill('not my password');
  await pw.getByLabel('New password').fill('a long second passphrase');
  await pw.getByRole('button', { name: 'Change the password' }).click();
  await pw.locator('.error, .alert').filter({ hasText: /./ }).first().waitFor();
  await b.step('password-wrong');
  await pw.getByLabel('Current password').fill('a long first passphrase');
  await pw.getByRole('button', { name: 'Change the password' }).click();
  await pw.getByRole('status').filter({ hasText: 'Your password was changed.' }).waitFor();
  await b.step('password-changed');

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long first passphrase');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: /./ }).waitFor();
  await page.getByLabel('Password').fill('a long second passphrase');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'My numbers' }).waitFor();
  await b.step('signed-in-new-password');
  await b.close();
});

test("another customer's data is never shown, whatever is typed into the URL", async (t) => {
  // What the demo customer has: an order number and a SIM card.
  const d = await open(t);
  await signIn(d, demo);
  await d.page.goto(`${base}/account/orders`);
  const href = await d.page.getByRole('link', { name: /^Order TEZ-/ }).first().getAttribute('href');
  const number = href.split('/').pop();
  const demoIccid = '8999701000000000015';

  const b = await open(t);
  const { page } = b;
  await page.goto(`${base}/account/register`);
  await page.getByLabel('Email').fill(`intruder-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('an intruding passphrase');
  await page.getByLabel('I accept the terms of the user agreement').check();
  await page.getByRole('button', { name: 'Create the account' }).click();
  await page.getByRole('heading', { level: 1, name: 'My numbers' }).waitFor();
  await page.getByLabel('ICCID').fill('8999701000000001039');
  await page.getByLabel('Activation code').fill('TEZ23757');
  await page.getByRole('button', { name: 'Add the SIM' }).click();
  await page.getByRole('status').filter({ hasText: 'SIM 1039 was added.' }).waitFor();

  for (const path of [`/account/orders/${number}`, `/account/orders/${encodeURIComponent(number + "' OR 1=1")}`, `/account/history?sim=${demoIccid}`,
    `/account/history?sim=${demoIccid}&from=2020-01-01`]) {
    await page.goto(base + path);
    await page.getByText('The page you asked for does not exist, or it is not yours.').waitFor();
    const text = await page.locator('main').innerText();
    assert.doesNotMatch(text, /My phone|18\.40|999701000001/, `${path} shows the demo customer's data`);
  }
  await b.step('foreign-order');
  // Signed out, the order address is the guest page: it asks for the order's proof.
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.goto(`${base}/account/orders/${number}`);
  assert.doesNotMatch(await page.locator('body').innerText(), /My phone|18\.40/);
  await b.close();
  await d.close();
});

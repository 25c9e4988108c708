// urql with graphcache over the dashboard and a history screen.
import test from 'node:test';
import assert from 'node:assert/strict';
import { own, shipped } from '../lib/documents.mjs';
import { busiest, dashboardVars, demo, server } from '../lib/tez.mjs';
import { urql } from '../lib/urql.mjs';

const s = server(process.env.TEZ_URL);
const auth = {};
const { client, warnings } = urql(s, auth);

test('urql signs in with the shipped document', async () => {
  const { data, error } = await client.mutation(shipped('sign-in'), demo).toPromise();
  assert.equal(error, undefined);
  assert.deepEqual(data.login.userErrors, []);
  auth.token = data.login.token;
});

let dashboard;
const dashboardVariables = dashboardVars();
test('urql runs the dashboard; graphcache answers it again without a request', async () => {
  const variables = dashboardVariables;
  const { data, error } = await client.query(shipped('dashboard'), variables).toPromise();
  assert.equal(error, undefined);
  assert.equal(data.me.email, demo.email);
  const before = s.requests.length;
  const again = await client.query(shipped('dashboard'), variables, { requestPolicy: 'cache-only' }).toPromise();
  assert.deepEqual(again.data, data);
  assert.equal(s.requests.length, before);
  dashboard = data;
});

test('urql pages through the history with relayPagination, one request a page', async () => {
  const { iccid } = busiest(dashboard);
  const history = own('history');
  let res = await client.query(history, { iccid, first: 10 }).toPromise();
  assert.equal(res.error, undefined);
  const before = s.requests.length;
  for (let page = 2; page <= 3; page++) {
    const { endCursor } = res.data.me.simCard.usageSessions.pageInfo;
    res = await client.query(history, { iccid, first: 10, after: endCursor }).toPromise();
    assert.equal(res.error, undefined);
    const ids = res.data.me.simCard.usageSessions.edges.map((e) => e.node.id);
    assert.equal(ids.length, page * 10, `page ${page}: graphcache merged every page so far`);
    assert.equal(new Set(ids).size, ids.length, 'no session twice');
  }
  assert.equal(s.requests.length - before, 2, 'one request per further page');
  // Back to the dashboard, which refreshes: the history keeps its pages.
  await client.query(shipped('dashboard'), dashboardVariables, { requestPolicy: 'network-only' }).toPromise();
  const kept = await client.query(history, { iccid, first: 10, after: res.data.me.simCard.usageSessions.edges[19].cursor }, { requestPolicy: 'cache-only' }).toPromise();
  assert.equal(kept.data?.me.simCard.usageSessions.edges.length, 30, 'the history kept its 30 sessions');
  assert.equal(s.requests.length - before, 3, 'two pages and one dashboard, nothing refetched');
});

test('graphcache warned about nothing (every type is keyed or embedded)', () => {
  assert.deepEqual(warnings, []);
});

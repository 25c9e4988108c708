// Apollo Client 3 with relayStylePagination over the dashboard and a
// history screen.
import test from 'node:test';
import assert from 'node:assert/strict';
import { apollo } from '../lib/apollo.mjs';
import { own, shipped } from '../lib/documents.mjs';
import { busiest, dashboardVars, demo, server } from '../lib/tez.mjs';

const s = server(process.env.TEZ_URL);
const auth = {};
const client = apollo(s, auth);

test('Apollo signs in with the shipped document', async () => {
  const { data } = await client.mutate({ mutation: shipped('sign-in'), variables: demo });
  assert.deepEqual(data.login.userErrors, []);
  assert.equal(data.login.user.email, demo.email);
  auth.token = data.login.token;
});

let dashboard;
const dashboardVariables = dashboardVars();
let dashboardWatch;
test('Apollo runs the dashboard, and reads it back from its cache', async () => {
  const variables = dashboardVariables;
  // The dashboard stays on screen (watched) while the history pages.
  const { data } = await client.watchQuery({ query: shipped('dashboard'), variables }).result();
  dashboardWatch = client.watchQuery({ query: shipped('dashboard'), variables, fetchPolicy: 'cache-only' }).subscribe(() => {});
  assert.equal(data.me.email, demo.email);
  assert.ok(data.me.simCards.length > 0, 'the demo customer has SIM cards');
  const before = s.requests.length;
  const cached = client.readQuery({ query: shipped('dashboard'), variables });
  assert.deepEqual(cached, data);
  assert.equal(s.requests.length, before);
  dashboard = data;
});

test('Apollo pages through the history with relayStylePagination, one request a page', async () => {
  const { iccid } = busiest(dashboard);
  const history = own('history');
  const watch = client.watchQuery({ query: history, variables: { iccid, first: 10 } });
  let { data } = await watch.result();
  const before = s.requests.length;
  const seen = new Set(data.me.simCard.usageSessions.edges.map((e) => e.node.id));
  for (let page = 2; page <= 3 && data.me.simCard.usageSessions.pageInfo.hasNextPage; page++) {
    await watch.fetchMore({ variables: { after: data.me.simCard.usageSessions.pageInfo.endCursor } });
    data = watch.getCurrentResult().data;
    const ids = data.me.simCard.usageSessions.edges.map((e) => e.node.id);
    assert.equal(ids.length, page * 10, `page ${page}: the cache holds every page so far`);
    assert.equal(new Set(ids).size, ids.length, 'no session twice');
    ids.slice(0, seen.size).forEach((id) => assert.ok(seen.has(id), 'earlier pages kept in order'));
    ids.forEach((id) => seen.add(id));
  }
  assert.equal(s.requests.length - before, 2, 'one request per further page, no refetch');
  const times = data.me.simCard.usageSessions.edges.map((e) => e.node.startedAt);
  assert.deepEqual(times, [...times].sort().reverse(), 'newest first across pages');
  // Back to the dashboard, which refreshes: the history keeps its pages,
  // and neither screen refetches.
  const sub = watch.subscribe(() => {});
  await client.query({ query: shipped('dashboard'), variables: dashboardVariables, fetchPolicy: 'network-only' });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(watch.getCurrentResult().data.me.simCard.usageSessions.edges.length, 30, 'the history kept its 30 sessions');
  assert.equal(s.requests.length - before, 3, 'two pages and one dashboard, nothing refetched');
  sub.unsubscribe();
  dashboardWatch.unsubscribe();
});

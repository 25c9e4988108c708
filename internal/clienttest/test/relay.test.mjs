// relay-compiler's artifacts run by relay-runtime: the dashboard, and
// "My history" and "My orders" paginated as react-relay's
// usePaginationFragment does (getPaginationVariables, the @refetchable
// query, the @connection handler).
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  createOperationDescriptor,
  fetchQuery,
  getPaginationMetadata,
  getPaginationVariables,
  getSelector,
} from 'relay-runtime';
import DashboardQuery from '../gen/relay/DashboardQuery.graphql.js';
import HistoryQuery from '../gen/relay/HistoryQuery.graphql.js';
import HistoryFromQuery from '../gen/relay/HistoryFromQuery.graphql.js';
import HistoryFragment from '../gen/relay/History_simCard.graphql.js';
import OrdersFragment from '../gen/relay/Orders_user.graphql.js';
import SignInMutation from '../gen/relay/SignInMutation.graphql.js';
import { commitMutation, relay } from '../lib/relay.mjs';
import { dashboardVars, demo, server } from '../lib/tez.mjs';

const s = server(process.env.TEZ_URL);
const auth = {};
const env = relay(s, { auth });

// query fetches an operation, keeps it in the store, and reads its data.
async function query(request, variables, environment = env) {
  await fetchQuery(environment, request, variables).toPromise();
  const op = createOperationDescriptor(request, variables);
  environment.retain(op);
  return environment.lookup(op.fragment).data;
}

// pager turns the pages of a @connection fragment the way react-relay's
// usePaginationFragment does, and reads the merged connection back.
function pager(fragment, ref, environment = env) {
  const { connectionPathInFragmentData, identifierField, paginationRequest, paginationMetadata } =
    getPaginationMetadata(fragment, fragment.name);
  const selector = getSelector(fragment, ref);
  const read = () => connectionPathInFragmentData.reduce((o, k) => o[k], environment.lookup(selector).data);
  const load = async (direction, count) => {
    const data = environment.lookup(selector).data;
    const { pageInfo } = read();
    const cursor = direction === 'forward' ? pageInfo.endCursor : pageInfo.startCursor;
    const variables = getPaginationVariables(direction, count, cursor,
      { ...selector.owner.variables, ...selector.variables }, {}, paginationMetadata);
    variables.id = data[identifierField]; // as useLoadMoreFunction does
    await query(paginationRequest, variables, environment);
  };
  return { read, load };
}

test('Relay signs in with its own document', async () => {
  const data = await commitMutation(env, { mutation: SignInMutation, variables: demo });
  assert.deepEqual(data.login.userErrors, []);
  auth.token = data.login.token;
});

let dashboard;
test('Relay runs its dashboard', async () => {
  dashboard = await query(DashboardQuery, dashboardVars());
  assert.equal(dashboard.me.email, demo.email);
  assert.ok(dashboard.me.simCards.length > 0);
});

test("Relay pages forward through the history (@refetchable, @connection)", async () => {
  const sim = dashboard.me.simCards.reduce((a, b) => (b.usage.totalBytes > a.usage.totalBytes ? b : a));
  const data = await query(HistoryQuery, { iccid: sim.iccid });
  const history = pager(HistoryFragment, data.me.simCard);
  assert.equal(history.read().edges.length, 10, 'the fragment\'s default count');
  const before = s.requests.length;
  await history.load('forward', 10);
  await history.load('forward', 10);
  const ids = history.read().edges.map((e) => e.node.id);
  assert.equal(ids.length, 30, 'the connection holds the three pages');
  assert.equal(new Set(ids).size, 30, 'no session twice');
  assert.equal(s.requests.length - before, 2, 'one request a page');
  const times = history.read().edges.map((e) => e.node.startedAt);
  assert.deepEqual(times, [...times].sort().reverse(), 'newest first across pages');
});

test('Relay pages backward through the history (loadPrevious: last/before)', async () => {
  const sim = dashboard.me.simCards.reduce((a, b) => (b.usage.totalBytes > a.usage.totalBytes ? b : a));
  const newest = pager(HistoryFragment, (await query(HistoryQuery, { iccid: sim.iccid })).me.simCard).read().edges;
  // A second app, opened on the history after the ten newest sessions.
  const later = relay(s, { auth });
  const opened = await query(HistoryFromQuery, { iccid: sim.iccid, after: newest[9].cursor }, later);
  const history = pager(HistoryFragment, opened.me.simCard, later);
  const older = history.read().edges.map((e) => e.node.id);
  assert.equal(older.length, 10);
  assert.ok(history.read().pageInfo.hasPreviousPage, 'newer sessions exist: Relay offers loadPrevious');
  await history.load('backward', 10);
  const ids = history.read().edges.map((e) => e.node.id);
  assert.equal(ids.length, 20, 'the newer page joins the connection');
  assert.deepEqual(ids.slice(0, 10), newest.map((e) => e.node.id), 'prepended: the ten newest first');
  assert.deepEqual(ids.slice(10), older);
});

test('Relay pages through the orders', async () => {
  const orders = pager(OrdersFragment, dashboard.me);
  const first = orders.read();
  assert.equal(first.edges.length, 2, 'the fragment\'s default count');
  assert.ok(first.totalCount > 2, 'the demo customer has more orders than a page');
  await orders.load('forward', 2);
  assert.equal(orders.read().edges.length, 4);
  assert.equal(new Set(orders.read().edges.map((e) => e.node.id)).size, 4);
});

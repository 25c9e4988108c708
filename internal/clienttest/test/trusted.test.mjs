// TEZ_TRUSTED_DOCUMENTS=only, with the manifests graphql-codegen and
// relay-compiler wrote registered (TEZ_TRUSTED_MANIFESTS): each client signs
// in and runs the dashboard; nothing else runs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries/index.js';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client/core/index.js';
import { print } from 'graphql';
import { fetchQuery } from 'relay-runtime';
import DashboardQuery from '../gen/relay/DashboardQuery.graphql.js';
import SignInMutation from '../gen/relay/SignInMutation.graphql.js';
import { apollo, typePolicies } from '../lib/apollo.mjs';
import { codegenHash, shipped } from '../lib/documents.mjs';
import { commitMutation, relay } from '../lib/relay.mjs';
import { dashboardVars, demo, trusted } from '../lib/tez.mjs';
import { urql } from '../lib/urql.mjs';

const refused = (errors) => errors?.length === 1 && errors[0].extensions?.code === 'BAD_REQUEST';

test('an ad-hoc document is refused', async () => {
  const s = trusted();
  const res = await s.post({ query: '{ me { email } }' });
  assert.ok(refused(res.errors), JSON.stringify(res));
});

// First of the Apollo tests: the server has not seen Apollo's text yet.
test("Apollo's persisted-query link: codegen's ids, then its own SHA-256", async () => {
  const s = trusted();
  const ids = { SignIn: codegenHash('SignIn'), Dashboard: codegenHash('Dashboard') };
  const byCodegenId = createPersistedQueryLink({ generateHash: (doc) => ids[doc.definitions[0].name.value] });
  const client = new ApolloClient({
    link: byCodegenId.concat(new HttpLink({ uri: s.endpoint, fetch: s.fetch })),
    cache: new InMemoryCache({ typePolicies }),
  });
  const { data } = await client.mutate({ mutation: shipped('sign-in'), variables: demo });
  assert.ok(data.login.token);
  assert.equal(s.requests.length, 1, 'the id alone was enough');
  assert.equal(s.requests[0].query, undefined);

  // Automatic persisted queries: the hash of Apollo's own text is unknown
  // at first, so the link sends the text once; then the hash alone works.
  const own = trusted();
  const sha256 = (q) => createHash('sha256').update(q).digest('hex');
  const apq = () => new ApolloClient({
    link: createPersistedQueryLink({ sha256 }).concat(new HttpLink({ uri: own.endpoint, fetch: own.fetch })),
    cache: new InMemoryCache({ typePolicies }),
  });
  for (const client of [apq(), apq()]) {
    const res = await client.mutate({ mutation: shipped('sign-in'), variables: demo });
    assert.ok(res.data.login.token);
  }
  assert.deepEqual(own.requests.map((r) => r.query !== undefined), [false, true, false], 'hash, hash + text, hash');
});

test('Apollo (text with __typename) signs in and runs the dashboard', async () => {
  const s = trusted();
  const auth = {};
  const client = apollo(s, auth);
  const { data } = await client.mutate({ mutation: shipped('sign-in'), variables: demo });
  auth.token = data.login.token;
  assert.ok(auth.token);
  assert.ok(s.requests[0].query.includes('__typename'), 'Apollo added __typename');
  const dash = await client.query({ query: shipped('dashboard'), variables: dashboardVars() });
  assert.equal(dash.data.me.email, demo.email);
});

test('urql (text with __typename) signs in and runs the dashboard', async () => {
  const s = trusted();
  const auth = {};
  const { client } = urql(s, auth);
  const signIn = await client.mutation(shipped('sign-in'), demo).toPromise();
  assert.equal(signIn.error, undefined);
  auth.token = signIn.data.login.token;
  const dash = await client.query(shipped('dashboard'), dashboardVars()).toPromise();
  assert.equal(dash.error, undefined);
  assert.equal(dash.data.me.email, demo.email);
});

test("graphql-codegen's documentId: sign-in and the dashboard by id alone", async () => {
  const s = trusted();
  const signIn = await s.post({ documentId: codegenHash('SignIn'), variables: demo });
  assert.ok(signIn.data?.login?.token, JSON.stringify(signIn));
  const dash = await s.post({ documentId: codegenHash('Dashboard'), variables: dashboardVars() }, signIn.data.login.token);
  assert.equal(dash.data?.me?.email, demo.email, JSON.stringify(dash.errors));
  // codegen's own print of a shipped document, sent as text, is trusted too.
  const text = await s.post({ query: print(shipped('sign-in')), variables: demo });
  assert.ok(text.data?.login?.token, JSON.stringify(text));
});

test("Relay (relay-compiler's ids) signs in and runs its dashboard", async () => {
  const s = trusted();
  const auth = {};
  const env = relay(s, { auth, byId: true });
  const data = await commitMutation(env, { mutation: SignInMutation, variables: demo });
  auth.token = data.login.token;
  assert.ok(auth.token);
  const dash = await fetchQuery(env, DashboardQuery, dashboardVars()).toPromise();
  assert.equal(dash.me.email, demo.email);
  // Relay's text, sent as text, is trusted as well: it is in the manifest.
  const text = relay(s, { auth });
  const again = await fetchQuery(text, DashboardQuery, dashboardVars()).toPromise();
  assert.equal(again.me.email, demo.email);
});

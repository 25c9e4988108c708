// Each mutation of issue 19 item 2 in Apollo Client and in urql's
// graphcache: after the mutation's one request, the screens read from the
// cache alone show what the server now holds.
import test from 'node:test';
import { readFileSync } from 'node:fs';
import { apollo } from '../lib/apollo.mjs';
import { operationOf, own } from '../lib/documents.mjs';
import { mutationsJourney } from '../lib/journey.mjs';
import { server } from '../lib/tez.mjs';
import { urql } from '../lib/urql.mjs';

// Stock SIM cards (seed.DemoStock), one per client.
const stock = JSON.parse(process.env.TEZ_STOCK ?? '[]').map((s) => ({ iccid: s.ICCID, activationCode: s.ActivationCode }));
const mutations = own('mutations');
const operation = (name) => operationOf(mutations, name);

// register makes a new customer with an empty address book.
async function register(s, who) {
  const email = `${who}-${Date.now()}@clients.tez.example`;
  const res = await s.post({ query: readFileSync(new URL('../../../graph/documents/register.graphql', import.meta.url), 'utf8'), variables: { email, password: 'a long enough password 1' } });
  if (!res.data?.register?.token) throw new Error(`register: ${JSON.stringify(res)}`);
  return res.data.register.token;
}

test('Apollo: each mutation updates the cache from its answer', async (t) => {
  const s = server(process.env.TEZ_URL);
  const auth = { token: await register(s, 'apollo') };
  const client = apollo(s, auth);
  await mutationsJourney(t, {
    requests: () => s.requests.length,
    query: (name) => client.query({ query: operation(name) }),
    screen: async (name) => client.readQuery({ query: operation(name) }),
    mutate: async (name, variables) => (await client.mutate({ mutation: operation(name), variables })).data,
  }, stock[0]);
});

test("urql: each mutation updates graphcache from its answer", async (t) => {
  const s = server(process.env.TEZ_URL);
  const auth = { token: await register(s, 'urql') };
  const { client } = urql(s, auth);
  const must = (res) => {
    if (res.error) throw res.error;
    return res.data;
  };
  await mutationsJourney(t, {
    requests: () => s.requests.length,
    query: async (name) => must(await client.query(operation(name), {}).toPromise()),
    screen: async (name) => must(await client.query(operation(name), {}, { requestPolicy: 'cache-only' }).toPromise()),
    mutate: async (name, variables) => must(await client.mutation(operation(name), variables).toPromise()),
  }, stock[1]);
});

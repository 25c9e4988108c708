// The mutations of issue 19 item 2 as a client's screens see them: each
// mutation is sent once, then the screens are read from the cache alone
// (no request), and must show what the server now holds.
import assert from 'node:assert/strict';

const address = (city) => ({ recipientName: 'Ada Client', line1: '1 Cache Street', city, postalCode: '10115', countryCode: 'DE' });

// mutationsJourney drives one client through the mutations. c has
// mutate(doc, vars) → data, screen(name) → data read from the cache only,
// and requests(), the count of requests sent so far.
export async function mutationsJourney(t, c, stock) {
  const sent = () => c.requests();
  let before = sent();
  const screen = async (name) => {
    const data = await c.screen(name);
    assert.ok(data?.me, `${name} is not whole in the cache`);
    return data.me;
  };
  const book = () => screen('AddressBookScreen');

  // An empty book is on screen.
  await c.query('AddressBookScreen');
  await c.query('MyNumbersScreen');
  await c.query('MyOrdersScreen');
  before = sent();

  await t.test('the first addressCreate becomes the default on screen', async () => {
    const d = await c.mutate('AddressCreate', { input: address('Berlin') });
    assert.deepEqual(d.addressCreate.userErrors, []);
    const b = await book();
    assert.equal(b.addresses.length, 1);
    assert.equal(b.defaultAddress?.id, d.addressCreate.address.id);
    assert.equal(b.addresses[0].isDefault, true);
  });
  let second;
  await t.test('a second address joins the list, not as the default', async () => {
    const d = await c.mutate('AddressCreate', { input: address('Hamburg') });
    second = d.addressCreate.address.id;
    const b = await book();
    assert.equal(b.addresses.length, 2);
    assert.equal(b.addresses.filter((a) => a.isDefault).length, 1);
  });
  await t.test('addressSetDefault leaves exactly one default on screen', async () => {
    const d = await c.mutate('AddressSetDefault', { id: second });
    assert.equal(d.addressSetDefault.previousDefault?.isDefault, false);
    const b = await book();
    assert.equal(b.defaultAddress?.id, second);
    assert.deepEqual(b.addresses.filter((a) => a.isDefault).map((a) => a.id), [second]);
  });
  await t.test('addressDelete of the default shows the promoted one', async () => {
    const d = await c.mutate('AddressDelete', { id: second });
    assert.equal(d.addressDelete.deletedId, second);
    const b = await book();
    assert.equal(b.addresses.length, 1);
    assert.ok(b.addresses.every((a) => a.id !== second));
    assert.equal(b.defaultAddress?.id, b.addresses[0].id);
    assert.equal(b.addresses[0].isDefault, true);
  });
  let sim;
  await t.test('simCardAdd puts the SIM in "My numbers"', async () => {
    const d = await c.mutate('SimCardAdd', { input: { iccid: stock.iccid, activationCode: stock.activationCode } });
    assert.deepEqual(d.simCardAdd.userErrors, []);
    sim = d.simCardAdd.simCard.id;
    const me = await screen('MyNumbersScreen');
    assert.deepEqual(me.simCards.map((s) => s.id), [sim]);
  });
  await t.test('checkout puts the order first in "My orders"', async () => {
    const d = await c.mutate('Checkout', { input: { lines: [{ sku: 'SIM-EUROPE', quantity: 1 }] } });
    assert.deepEqual(d.checkout.userErrors, []);
    const me = await screen('MyOrdersScreen');
    assert.equal(me.orders.totalCount, 1);
    assert.equal(me.orders.edges[0]?.node.id, d.checkout.order.id);
  });
  await t.test('simCardRemove takes it out of "My numbers"', async () => {
    const d = await c.mutate('SimCardRemove', { id: sim });
    assert.equal(d.simCardRemove.removedId, sim);
    const me = await screen('MyNumbersScreen');
    assert.deepEqual(me.simCards, []);
  });
  await t.test('one request per mutation, nothing refetched', () => {
    assert.equal(sent() - before, 7);
  });
}

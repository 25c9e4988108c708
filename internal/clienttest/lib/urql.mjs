// An urql client with graphcache set up as docs/frontend.md says.
import { Client, fetchExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';

// Types without an id are embedded in their parent (keys → null).
const embedded = [
  'Money', 'UsageSummary', 'CountryUsage', 'UserError', 'PageInfo', 'Payment',
  'OrderItem', 'ShippingAddress', 'BalanceEntry', 'ReorderDroppedItem',
  'Reseller', 'ResellerSimCards',
  'UsageSessionConnection', 'UsageSessionEdge', 'OrderConnection', 'OrderEdge',
  'SimCardConnection', 'SimCardEdge', 'ProductConnection', 'ProductEdge',
  'BalanceEntryConnection', 'BalanceEntryEdge',
  // Mutation payloads: read from the answer, never from the cache.
  'LoginPayload', 'LogoutPayload', 'RegisterPayload', 'ProfileUpdatePayload',
  'AddressPayload', 'AddressDeletePayload', 'SimCardPayload', 'SimCardRemovePayload',
  'CheckoutPayload', 'OrderPayPayload', 'OrderCancelPayload', 'OrderReorderPayload',
  'EmailChangePayload', 'EmailVerifyPayload', 'EmailVerificationResendPayload',
  'PasswordChangePayload', 'PasswordResetPayload', 'PasswordResetRequestPayload',
];
export const keys = Object.fromEntries(embedded.map((t) => [t, () => null]));

export const resolvers = {
  SimCard: { usageSessions: relayPagination() },
  User: { orders: relayPagination() },
};

// urql returns a client of server s whose requests carry auth.token, and
// the warnings graphcache printed (a missing key is one).
export function urql(s, auth = {}) {
  const warnings = [];
  const client = new Client({
    url: s.endpoint,
    fetch: s.fetch,
    preferGetMethod: false,
    fetchOptions: () => (auth.token ? { headers: { authorization: `Bearer ${auth.token}` } } : {}),
    exchanges: [
      cacheExchange({ keys, resolvers, logger: (severity, message) => severity !== 'debug' && warnings.push(message) }),
      fetchExchange,
    ],
  });
  return { client, warnings };
}

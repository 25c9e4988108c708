// The GraphQL client: urql with graphcache (a normalized cache, so a
// mutation's answer updates every screen without a refetch). The browser is
// signed in by the service's HttpOnly cookie; each request carries the CSRF
// token the service set beside it (X-CSRF-Token), which another site can
// neither read nor send. No token is ever stored by this code.
import { Client, fetchExchange, subscriptionExchange, type AnyVariables, type CombinedError, type ExecutionResult, type TypedDocumentNode } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';

// Every object type without an id lives inside its parent.
const embedded = [
  'Money', 'UserError', 'PageInfo', 'UsageSummary', 'CountryUsage', 'UsageSessionConnection', 'UsageSessionEdge',
  'SimCardAlerts', 'OrderConnection', 'OrderEdge', 'OrderItem', 'ShippingAddress', 'Payment', 'ReorderDroppedItem',
  'LoginPayload', 'RegisterPayload', 'LogoutPayload', 'ProfileUpdatePayload', 'PasswordChangePayload',
  'EmailChangePayload', 'EmailVerificationResendPayload', 'AccountDeletePayload', 'SimCardPayload',
  'SimCardRemovePayload', 'OrderPayPayload', 'OrderReorderPayload', 'OrderCancelPayload', 'AddressPayload',
  'AddressSetDefaultPayload', 'AddressDeletePayload', 'Shipment', 'ShipmentItem', 'ProductConnection', 'ProductEdge',
  'CheckoutPayload', 'BalanceEntry', 'BalanceEntryConnection', 'BalanceEntryEdge',
];

export function csrfToken(): string {
  const m = document.cookie.match(/(?:^|;\s*)tez_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : '';
}

function headers(): Record<string, string> {
  const token = csrfToken();
  return token ? { 'X-CSRF-Token': token } : {};
}

function makeClient(): Client {
  return new Client({
    url: '/graphql',
    preferGetMethod: false,
    fetchOptions: () => ({ headers: headers(), credentials: 'same-origin' }),
    exchanges: [
      cacheExchange({
        keys: Object.fromEntries(embedded.map((t) => [t, () => null])),
        resolvers: {
          SimCard: { usageSessions: relayPagination(), balanceEntries: relayPagination() },
          User: { orders: relayPagination() },
        },
        updates: {
          Mutation: {
            simCardRemove(result, _args, cache) {
              const id = (result.simCardRemove as { removedId?: string } | null)?.removedId;
              if (id) cache.invalidate({ __typename: 'SimCard', id });
            },
            addressDelete(result, _args, cache) {
              const id = (result.addressDelete as { deletedId?: string } | null)?.deletedId;
              if (id) cache.invalidate({ __typename: 'Address', id });
            },
            orderReorder(_result, _args, cache) {
              // "My orders" gains an order: its pages are read again.
              const me = cache.resolve('Query', 'me') as string | null;
              if (!me) return;
              for (const f of cache.inspectFields(me)) {
                if (f.fieldName === 'orders') cache.invalidate(me, 'orders', f.arguments ?? undefined);
              }
            },
          },
        },
      }),
      fetchExchange,
      subscriptionExchange({ forwardSubscription: (req) => eventStream(req) }),
    ],
  });
}

/**
 * A subscription as GraphQL over SSE: a POST to /graphql asking for
 * text/event-stream, signed in like every request (the cookie and the CSRF
 * header), so the live balance needs no token in the page. The stream ends
 * when the subscriber unsubscribes (the page is left) or the session ends.
 */
function eventStream(body: { query?: string; variables?: unknown; operationName?: string; extensions?: unknown }) {
  return {
    subscribe(sink: { next: (r: ExecutionResult) => void; error: (e: unknown) => void; complete: () => void }) {
      const stop = new AbortController();
      (async () => {
        const r = await fetch('/graphql', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { ...headers(), 'Content-Type': 'application/json', Accept: 'text/event-stream' },
          body: JSON.stringify(body),
          signal: stop.signal,
        });
        if (!r.ok || !r.body) throw new Error(`live updates answered ${r.status}`);
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          // Events end with a blank line; "event: next" carries a result as "data:".
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const lines = buf.slice(0, i).split('\n');
            buf = buf.slice(i + 2);
            const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
            const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('\n');
            if (event === 'next' && data) sink.next(JSON.parse(data));
            if (event === 'complete') return sink.complete();
          }
        }
        sink.complete();
      })().catch((e) => {
        if (!stop.signal.aborted) sink.error(e);
      });
      return { unsubscribe: () => stop.abort() };
    },
  };
}

export let client = makeClient();

/** A fresh cache: after signing in or out nothing of the other viewer stays. */
export function resetClient() {
  client = makeClient();
}

// Sign-in and registration answer a session token: it goes straight to the
// service, which keeps it in the HttpOnly cookie, and is dropped here. These
// two run on a client without a cache so the token is kept nowhere.
const bare = new Client({ url: '/graphql', preferGetMethod: false, exchanges: [fetchExchange] });

export async function bareMutation<D, V extends AnyVariables>(doc: TypedDocumentNode<D, V>, vars: V) {
  return bare.mutation(doc, vars).toPromise();
}

/** Hands a session token to the service, which answers with the cookies. */
export async function startSession(token: string): Promise<boolean> {
  const r = await fetch('/account/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return r.ok;
}

/** Forgets the cookies (the session itself ends with logout). */
export async function endSession(): Promise<void> {
  await fetch('/account/session', { method: 'DELETE', credentials: 'same-origin', headers: headers() });
}

export function errorText(e: CombinedError | undefined, t: (k: 'errorNetwork' | 'errorGeneric', p?: Record<string, string>) => string): string {
  if (!e) return '';
  if (e.networkError) return t('errorNetwork');
  return t('errorGeneric', { message: e.graphQLErrors.map((g) => g.message).join('; ') });
}

// An Apollo Client set up as docs/frontend.md says.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client/core/index.js';
import { relayStylePagination } from '@apollo/client/utilities/index.js';

export const typePolicies = {
  SimCard: {
    fields: {
      // "My history": one list per date range, pages merged by cursor.
      usageSessions: relayStylePagination(['from', 'to']),
    },
  },
  User: {
    fields: {
      orders: relayStylePagination(['status']),
    },
  },
};

// apollo returns a client of server s whose requests carry auth.token.
export function apollo(s, auth = {}) {
  const bearer = new ApolloLink((operation, forward) => {
    if (auth.token) operation.setContext({ headers: { authorization: `Bearer ${auth.token}` } });
    return forward(operation);
  });
  return new ApolloClient({
    link: bearer.concat(new HttpLink({ uri: s.endpoint, fetch: s.fetch })),
    cache: new InMemoryCache({ typePolicies }),
  });
}

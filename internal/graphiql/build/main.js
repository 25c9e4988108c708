// The GraphiQL page of tez, bundled by build.mjs into ../assets.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';
import './page.css';

// Storage is the browser's localStorage under a prefix of tez's own, less
// the request headers: they carry the bearer token, which must not outlive
// the tab. GraphiQL keeps them in "graphiql:headers" and in each tab of
// "graphiql:tabState".
const prefix = 'tez:';
const ours = () => Object.keys(localStorage).filter((k) => k.startsWith(prefix));
const withoutHeaders = (key, value) => {
  if (key === 'graphiql:headers') return '';
  if (key !== 'graphiql:tabState') return value;
  try {
    return JSON.stringify(JSON.parse(value), (k, v) => (k === 'headers' ? null : v));
  } catch {
    return '';
  }
};
const storage = {
  getItem: (key) => localStorage.getItem(prefix + key),
  setItem: (key, value) => {
    const kept = withoutHeaders(key, value);
    if (kept) localStorage.setItem(prefix + key, kept);
    else localStorage.removeItem(prefix + key);
  },
  removeItem: (key) => localStorage.removeItem(prefix + key),
  clear: () => ours().forEach((k) => localStorage.removeItem(k)),
  get length() {
    return ours().length;
  },
};

const defaultQuery = `# The TEZ account API. Sign in first (the demo data's customer is
# demo@tez.example, password tez-demo-2026):
mutation SignIn {
  login(input: { email: "demo@tez.example", password: "tez-demo-2026" }) {
    token
    userErrors { field message code }
  }
}
# Then put the token in the Headers tab below:
#   { "Authorization": "Bearer <token>" }
# Headers stay in this tab only: the browser does not store them.
`;

const root = document.getElementById('graphiql');
const fetcher = createGraphiQLFetcher({ url: root.dataset.endpoint });
createRoot(root).render(
  React.createElement(GraphiQL, {
    fetcher,
    storage,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultQuery,
    inputValueDeprecation: true,
  }),
);

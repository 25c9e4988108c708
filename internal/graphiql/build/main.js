// The GraphiQL page of tez, bundled by build.mjs into ../assets.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';
import './page.css';

// Storage is the browser's localStorage under a prefix of tez's own, less
// the request headers: they carry the bearer token, which must not outlive
// the tab. GraphiQL keeps headers in "graphiql:headers", and in each entry
// of its tabs ("graphiql:tabState"), history ("graphiql:queries") and
// favorites ("graphiql:favorites").
const prefix = 'tez:';
const ours = () => Object.keys(localStorage).filter((k) => k.startsWith(prefix));
const withoutHeaders = (key, value) => {
  if (key === 'graphiql:headers') return '';
  let parsed;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value; // a query's text
  }
  return JSON.stringify(parsed, (k, v) => (k === 'headers' ? null : v));
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

const defaultQuery = `# Sign in first. The demo data's customer:
#   demo@tez.example / tez-demo-2026
mutation SignIn {
  login(input: {
    email: "demo@tez.example"
    password: "tez-demo-2026"
  }) {
    token
    userErrors { field message code }
  }
}
# Then open Headers below and add
#   { "Authorization": "Bearer <token>" }
# Headers stay in this tab: the browser
# does not store them.
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

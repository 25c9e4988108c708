// The graphql-http audit of the GraphQL-over-HTTP spec.
import test from 'node:test';
import assert from 'node:assert/strict';
import { auditServer } from 'graphql-http';
import { tez } from '../lib/tez.mjs';

const results = await auditServer({ url: tez.endpoint });
const failing = (level) =>
  results.filter((r) => r.name.startsWith(level) && r.status !== 'ok').map((r) => `${r.name}: ${r.reason}`);

test('graphql-http audit: every MUST passes', () => {
  assert.ok(results.some((r) => r.name.startsWith('MUST')), 'the audit ran no MUST');
  assert.deepEqual(failing('MUST'), []);
});

test('graphql-http audit: every SHOULD passes', () => {
  assert.ok(results.some((r) => r.name.startsWith('SHOULD')), 'the audit ran no SHOULD');
  assert.deepEqual(failing('SHOULD'), []);
});

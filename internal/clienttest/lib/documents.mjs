// The documents the clients send: the project's shipped ones
// (graph/documents) and the suite's own (documents/), parsed as a frontend
// bundler would load them.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';

const read = (path) => parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
export const shipped = (name) => read(`../../../graph/documents/${name}.graphql`);
export const own = (name) => read(`../documents/${name}.graphql`);

// codegenHash is the id graphql-codegen gave an operation in its manifest.
export function codegenHash(operationName) {
  const manifest = JSON.parse(readFileSync(new URL('../gen/codegen/persisted-documents.json', import.meta.url), 'utf8'));
  const ids = Object.keys(manifest).filter((id) => new RegExp(`^(query|mutation) ${operationName}\\b`).test(manifest[id]));
  if (ids.length !== 1) throw new Error(`codegen's manifest has ${ids.length} documents named ${operationName}`);
  return ids[0];
}

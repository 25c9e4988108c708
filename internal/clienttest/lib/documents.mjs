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

// operationOf is one operation of a document with the fragments it uses, as
// graphql-codegen splits a file.
export function operationOf(doc, name) {
  const fragments = new Map(doc.definitions.filter((d) => d.kind === 'FragmentDefinition').map((d) => [d.name.value, d]));
  const op = doc.definitions.find((d) => d.kind === 'OperationDefinition' && d.name?.value === name);
  if (!op) throw new Error(`no operation ${name}`);
  const used = new Set();
  const walk = (set) => set?.selections.forEach((s) => {
    if (s.kind === 'FragmentSpread' && !used.has(s.name.value)) {
      used.add(s.name.value);
      walk(fragments.get(s.name.value).selectionSet);
    } else walk(s.selectionSet);
  });
  walk(op.selectionSet);
  return { ...doc, definitions: [op, ...[...used].map((n) => fragments.get(n))] };
}

// Bundles main.js (GraphiQL, React, their CSS) into ../assets and writes
// the licenses of every package in the bundle beside it. The output
// depends only on package-lock.json and these files: go generate must
// give back the committed bytes.
import * as esbuild from 'esbuild';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'assets');
mkdirSync(out, { recursive: true });

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: ['main.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  outdir: out,
  entryNames: 'graphiql',
  legalComments: 'none', // collected whole below instead
  define: { 'process.env.NODE_ENV': '"production"' },
  charset: 'utf8',
  metafile: true,
  logLevel: 'warning',
});

// One entry per package whose code is in the bundle: name, version,
// license, and the text of its license file.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (m) packages.set(m[1], true);
}
const entries = [...packages.keys()].map((dir) => {
  const pkg = JSON.parse(readFileSync(join(here, dir, 'package.json'), 'utf8'));
  const file = readdirSync(join(here, dir)).sort().find((f) => /^(licen[cs]e|copying)/i.test(f));
  const text = file ? readFileSync(join(here, dir, file), 'utf8').trim() : `License: ${pkg.license} (no license file in the package)`;
  return { id: `${pkg.name}@${pkg.version}`, license: pkg.license, text };
});
entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
writeFileSync(
  join(out, 'THIRD_PARTY_LICENSES.txt'),
  'The GraphiQL page of tez (graphiql.js, graphiql.css) bundles these packages.\n\n' +
    entries.map((e) => `${'='.repeat(72)}\n${e.id} (${e.license})\n${'='.repeat(72)}\n${e.text}\n`).join('\n'),
);

// Bundles src/main.tsx (Preact, urql, graphcache) and src/app.css into
// ../assets, with the trusted-documents manifest codegen wrote and the
// licenses of every bundled package. The output depends only on
// package-lock.json and these files: go generate must give back the
// committed bytes.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOptions } from '../../static/esbuild.mjs';
import { writeLicenses } from '../../static/licenses.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'assets');
mkdirSync(out, { recursive: true });

export const options = {
  ...bundleOptions,
  absWorkingDir: here,
  entryPoints: [{ in: 'src/main.tsx', out: 'app' }, { in: 'src/app.css', out: 'app' }],
  outdir: out,
  jsx: 'automatic',
  jsxImportSource: 'preact',
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await esbuild.build(options);
  copyFileSync(join(here, 'src/gql/persisted-documents.json'), join(out, 'persisted-documents.json'));
  copyFileSync(join(here, 'src/favicon.svg'), join(out, 'favicon.svg'));
  writeLicenses(result.metafile, here, join(out, 'THIRD_PARTY_LICENSES.txt'), 'The web account of tez (app.js) bundles these packages.');
}

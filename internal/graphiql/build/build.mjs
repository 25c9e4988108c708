// Bundles main.js (GraphiQL, React, their CSS) into ../assets and writes
// the licenses of every package in the bundle beside it. The output
// depends only on package-lock.json and these files: go generate must
// give back the committed bytes.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOptions } from '../../static/esbuild.mjs';
import { writeLicenses } from '../../static/licenses.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'assets');
mkdirSync(out, { recursive: true });

const result = await esbuild.build({
  ...bundleOptions,
  absWorkingDir: here,
  entryPoints: ['main.js'],
  outdir: out,
  entryNames: 'graphiql',
});

writeLicenses(result.metafile, here, join(out, 'THIRD_PARTY_LICENSES.txt'),
  'The GraphiQL page of tez (graphiql.js, graphiql.css) bundles these packages.');

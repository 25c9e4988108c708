// The licenses of the npm packages an esbuild bundle holds, for the
// bundles go generate builds (internal/graphiql/build, internal/web/build):
// one entry per package whose code is in the bundle (name, version,
// license, the text of its license file), sorted, so the file depends only
// on the lockfile.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes file: heading, then the license of every package of metafile (paths relative to dir). */
export function writeLicenses(metafile, dir, file, heading) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
    if (m) packages.add(m[1]);
  }
  const entries = [...packages].map((p) => {
    const pkg = JSON.parse(readFileSync(join(dir, p, 'package.json'), 'utf8'));
    const found = readdirSync(join(dir, p)).sort().find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = found ? readFileSync(join(dir, p, found), 'utf8').trim() : `License: ${pkg.license} (no license file in the package)`;
    return { id: `${pkg.name}@${pkg.version}`, license: pkg.license, text };
  });
  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  writeFileSync(file, heading + '\n\n' + entries.map((e) => `${'='.repeat(72)}\n${e.id} (${e.license})\n${'='.repeat(72)}\n${e.text}\n`).join('\n'));
}

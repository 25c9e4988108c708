#!/bin/sh
# go generate: installs the pinned packages (npm ci, from package-lock.json)
# unless node_modules already holds exactly that lockfile's install, types
# the operations (graphql-codegen over ../../../schema), checks the source
# (tsc) and bundles it into ../assets. Needs node and npm.
set -eu
cd "$(dirname "$0")"
stamp=node_modules/.tez-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  echo "$want" >"$stamp"
fi
node node_modules/@graphql-codegen/cli/cjs/bin.js --config codegen.ts --silent
node node_modules/typescript/bin/tsc --noEmit
node build.mjs

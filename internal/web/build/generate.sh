#!/bin/sh
# go generate: installs the pinned packages (npm ci, from package-lock.json)
# unless node_modules already holds exactly that lockfile's install, types
# the operations (graphql-codegen over ../../../schema), checks the source
# (tsc) and bundles it into ../assets. Needs node and npm.
set -eu
cd "$(dirname "$0")"
sh ../../static/npm-ci.sh
node node_modules/@graphql-codegen/cli/cjs/bin.js --config codegen.ts --silent
node node_modules/typescript/bin/tsc --noEmit
node build.mjs

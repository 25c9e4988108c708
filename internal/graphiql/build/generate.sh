#!/bin/sh
# go generate: installs the pinned packages (npm ci, from package-lock.json)
# unless node_modules already holds exactly that lockfile's install, then
# bundles them into ../assets. Needs node and npm.
set -eu
cd "$(dirname "$0")"
sh ../../static/npm-ci.sh
node build.mjs

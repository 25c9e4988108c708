#!/bin/sh
# Installs the pinned packages of the Node project in the current
# directory (npm ci, from package-lock.json) unless node_modules already
# holds exactly that lockfile's install. Used by go generate's bundle builds.
set -eu
stamp=node_modules/.tez-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  echo "$want" >"$stamp"
fi

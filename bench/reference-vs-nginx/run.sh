#!/bin/sh
# Same as run.mjs (kept for `sh bench/reference-vs-nginx/run.sh`): builds first.
set -e
cd "$(dirname "$0")/../.."
[ -f dist/cli/main.js ] || npm run build
exec node bench/reference-vs-nginx/run.mjs "$@"

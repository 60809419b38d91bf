# Sourced by scripts/run, scripts/test, scripts/build: install what is missing, put the
# runtimes from node_modules on PATH. Needs only Node.js and npm.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ ! -x node_modules/.bin/deno ] || [ ! -x node_modules/.bin/bun ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "scripts: installing dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
export PATH="$ROOT/node_modules/.bin:$PATH"

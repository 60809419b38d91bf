#!/usr/bin/env bash
# Smoke test of a compiled binary: scripts/smoke BINARY. Runs it in an empty HOME.
set -euo pipefail
BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export HOME="$WORK/home"; mkdir -p "$HOME"
fail() { echo "smoke: FAIL: $*" >&2; exit 1; }

"$BIN" --version | grep -q '^clearml ' || fail "--version"
"$BIN" --version --json | grep -q '"schema": "clearml.version/v1"' || fail "--version --json"
echo "smoke: ok --version"
[ -n "$(ls "$WORK")" ] && [ "$(ls "$WORK")" != home ] && fail "binary wrote into the cwd"
if [ -x "$BIN" ] && "$BIN" env --json >/dev/null 2>&1; then
  "$BIN" env --json | grep -q '"schema": "clearml.env/v1"' || fail "env --json schema"
  echo "smoke: ok env --json"
fi
if "$BIN" config show >/dev/null 2>&1; then echo "smoke: ok config show"; fi
echo "smoke: passed"

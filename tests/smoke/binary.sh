#!/usr/bin/env bash
# Smoke test of a compiled binary: tests/smoke/binary.sh BINARY. Runs it in an empty HOME and cwd.
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

# a .env in the cwd must NOT be loaded by the binary (Bun's default autoload is off)
echo 'CLEARML_API_HOST=http://from-dotenv:8008' > .env
CLEARML_API_HOST=http://smoke:8008 "$BIN" env --json > env.json || fail "env --json exit $?"
grep -q '"schema": "clearml.env/v1"' env.json || fail "env --json schema"
grep -q 'http://smoke:8008' env.json || fail "env --json value"
grep -q 'from-dotenv' env.json && fail "the binary loaded ./.env by itself"
echo "smoke: ok env --json"

cat > "$HOME/clearml.conf" <<'CONF'
api {
  api_server: http://localhost:8008
  credentials {"access_key": "AKSMOKE", "secret_key": "SMOKESECRET"}
}
CONF
out="$("$BIN" config show)" || fail "config show exit $?"
echo "$out" | grep -q 'web_server: "http://localhost:8080"' || fail "config show derived web host"
echo "$out" | grep -q 'SMOKESECRET' && fail "config show printed a secret"
"$BIN" config get api.files_server | grep -qx 'http://localhost:8081' || fail "config get"
echo "smoke: ok config show / get"

# A value that stops only a task run is shown with a warning; an unparsable file stops: exit 3.
CLEARML_CPU_ONLY=maybe "$BIN" config show --for agent > /dev/null 2> err.txt \
  || fail "CLEARML_CPU_ONLY=maybe: config show must still print"
grep -q 'warning: CLEARML_CPU_ONLY' err.txt || fail "CLEARML_CPU_ONLY warning"
printf 'a { b: 1\n' > broken.conf
set +e
"$BIN" --config-file broken.conf config show > /dev/null 2> err.txt; rc=$?
set -e
[ "$rc" -eq 3 ] || fail "unparsable clearml.conf: exit $rc, expected 3"
grep -q 'broken.conf:2:1' err.txt || fail "unparsable clearml.conf: no file:line:col"
echo "smoke: ok a warning for an invalid agent boolean, exit 3 on an unparsable file"

"$BIN" doctor --offline --json > doctor.json || [ $? -eq 1 ] || fail "doctor exit"
grep -q '"schema": "clearml.doctor/v1"' doctor.json || fail "doctor --json schema"
echo "smoke: ok doctor --offline --json"
echo "smoke: passed"

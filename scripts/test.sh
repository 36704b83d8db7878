#!/usr/bin/env bash
# Runs the whole test suite twice: on SQLite, then on PostgreSQL (TRIVSEL_TEST_PG, default
# postgres://postgres@127.0.0.1:5432/test). Each half runs the Rust tests and the browser
# journeys. A half that cannot run says so loudly; under CI=true it fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL="${TRIVSEL_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}"
export PGOPTIONS="${PGOPTIONS:---client-min-messages=warning}"
skipped=()

banner() {
  printf '\n%s\n!!! %s\n%s\n\n' "$(printf '!%.0s' {1..78})" "$1" "$(printf '!%.0s' {1..78})" >&2
}

skip() {
  if [ "${CI:-}" = "true" ]; then
    banner "$1 – not allowed under CI"
    exit 1
  fi
  banner "$1"
  skipped+=("$1")
}

browser_tests() { # $1: database URL for the demo server
  if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
    skip "Browser tests SKIPPED: Chromium is not installed (apt-get install chromium)"
    return
  fi
  if [ ! -d tests/browser/node_modules/playwright-core ]; then
    (cd tests/browser && npm ci --no-audit --no-fund)
  fi
  (cd tests/browser && TRIVSEL_BROWSER_DB="$1" npm test --silent)
}

pg_reachable() {
  local hostport="${PG_URL#*@}"; hostport="${hostport%%/*}"
  (exec 3<>"/dev/tcp/${hostport%%:*}/${hostport##*:}") 2>/dev/null
}

echo "== SQLite =="
TRIVSEL_TEST_DB=sqlite cargo test --workspace
db_file="$(mktemp -d)/browser.db"
browser_tests "sqlite://$db_file"
rm -rf "$(dirname "$db_file")"

echo "== PostgreSQL ($PG_URL) =="
if pg_reachable; then
  TRIVSEL_TEST_DB="$PG_URL" cargo test --workspace
  schema="trivsel_browser_$$"
  psql -q "$PG_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
  sep='?'; case "$PG_URL" in *\?*) sep='&' ;; esac
  browser_tests "${PG_URL}${sep}options=-c%20search_path%3D${schema}" || { psql -q "$PG_URL" -c "DROP SCHEMA $schema CASCADE"; exit 1; }
  psql -q "$PG_URL" -c "DROP SCHEMA $schema CASCADE"
else
  skip "PostgreSQL half SKIPPED: no server at $PG_URL – only SQLite was tested"
fi

if [ ${#skipped[@]} -gt 0 ]; then
  banner "INCOMPLETE RUN: ${skipped[*]}"
fi

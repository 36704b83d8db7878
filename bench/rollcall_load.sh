#!/usr/bin/env bash
# Load test: roll-call saves (a class of 28, alert update included) from 32 concurrent clients
# against `trivsel demo` on SQLite, measured with wrk (Debian package `wrk`).
# Usage: bench/rollcall_load.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN="${1:-20}"
CONNECTIONS="${2:-32}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
bin=target/release/trivsel
[ -x "$bin" ] || cargo build --release -p trivsel
dir="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
"$bin" --db "sqlite://$dir/load.db" demo --addr "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 120); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.5; done
cookie=$(curl -s -o /dev/null -D - -d 'username=laerer&password=demo' "$base/login" | sed -n 's/^set-cookie: \(trivsel_session=[^;]*\).*/\1/ip')
class=$(curl -s -H "Cookie: $cookie" "$base/klasser" | grep -o 'href="/klasser/[0-9]*/fremmoede"' | head -1 | grep -o '[0-9]\+')
page=$(curl -s -H "Cookie: $cookie" "$base/klasser/$class/fremmoede?dato=2026-11-20&modul=1")
date=$(echo "$page" | grep -o 'name="dato" value="[0-9-]*"' | head -1 | grep -o '[0-9]\{4\}-[0-9-]*')
pupils=$(echo "$page" | grep -o 'name="c[0-9]*"' | sort -u | grep -o '[0-9]\+')
body="dato=$date&modul=1"
for p in $pupils; do body="$body&c$p=P"; done
count=$(echo "$pupils" | wc -l)
# Alternate the first pupil between present and sick, so every other save changes a registration.
first=$(echo "$pupils" | head -1)
cat >"$dir/save.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$cookie"
local n = 0
request = function()
  n = n + 1
  local code = (n % 2 == 0) and "S" or "P"
  local body = string.gsub("$body", "c$first=P", "c$first=" .. code)
  return wrk.format(nil, "/klasser/$class/fremmoede", nil, body)
end
LUA
echo "roll-call save: class of $count pupils, $CONNECTIONS connections, ${SECONDS_RUN} s, SQLite"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -s "$dir/save.lua" "$base" | sed -n '/Latency Distribution/,/Requests\/sec/p'

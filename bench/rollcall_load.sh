#!/usr/bin/env bash
# Load test: roll-call saves (a whole class, alert update included) from concurrent clients
# against `trivsel demo` on SQLite, measured with wrk (Debian package `wrk`).
# Usage: bench/rollcall_load.sh [SECONDS] [CONNECTIONS] [CLASSES]
#   CLASSES=1 (default): every client saves the same class of 28 (as `laerer`), and every
#   other save changes its first pupil, so all saves of a batch change the same pupil.
#   CLASSES=N: the saves go round the first N classes of the school (as `leder`), as when
#   many teachers take roll call at once; each class alternates its own first pupil.
# DELAY_MS=N makes each connection wait a random 0–2N ms (N on average, so the connections do
# not fall into step) after each answer, so the load is below what the server can take and the latency is a save's own time rather than the queue in front of it
# (without it, 64 connections saving back to back measure the server's throughput).
# DB=postgres://postgres@127.0.0.1:5432/trivsel_load runs it on PostgreSQL (the database is
# dropped and created again); the default is a new SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN="${1:-20}"
CONNECTIONS="${2:-32}"
CLASSES="${3:-1}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
bin=target/release/trivsel
[ -x "$bin" ] || cargo build --release -p trivsel
dir="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
db="sqlite://$dir/load.db"
if [[ "${DB:-}" == postgres* ]]; then
  db="$DB"
  psql "${db%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${db##*/}" -c "CREATE DATABASE ${db##*/}" >/dev/null
fi
"$bin" --db "$db" demo --addr "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 120); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.5; done
user=leder
[ "$CLASSES" = 1 ] && user=laerer
cookie=$(curl -s -o /dev/null -D - -H "Origin: $base" -d "username=$user&password=demo" "$base/login" | sed -n 's/^set-cookie: \(trivsel_session=[^;]*\).*/\1/ip')
classes=$(curl -s -H "Cookie: $cookie" "$base/klasser" | grep -o 'href="/klasser/[0-9]*/fremmoede"' | grep -o '[0-9]\+' | head -"$CLASSES")
date=2026-11-20
lua_classes=""
pupils_total=0
for class in $classes; do
  page=$(curl -s -H "Cookie: $cookie" "$base/klasser/$class/fremmoede?dato=$date&modul=1")
  pupils=$(echo "$page" | grep -o 'name="c[0-9]*"' | sort -u | grep -o '[0-9]\+')
  body="dato=$date&modul=1"
  for p in $pupils; do body="$body&c$p=P"; done
  first=$(echo "$pupils" | head -1)
  pupils_total=$((pupils_total + $(echo "$pupils" | wc -l)))
  lua_classes="$lua_classes{ path = \"/klasser/$class/fremmoede\", body = \"$body\", first = \"c$first=P\", flip = \"c$first=\" },"
done
count=$(echo "$classes" | wc -w)
cat >"$dir/save.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$cookie"
wrk.headers["Origin"] = "$base"
local classes = { $lua_classes }
local pause = ${DELAY_MS:-0}
if pause > 0 then
  delay = function() return math.random(0, 2 * pause) end
end
local n = 0
request = function()
  n = n + 1
  local c = classes[(n % #classes) + 1]
  local round = math.floor(n / #classes)
  local code = (round % 2 == 0) and "S" or "P"
  local body = string.gsub(c.body, c.first, c.flip .. code)
  return wrk.format(nil, c.path, nil, body)
end
LUA
echo "roll-call save: $count class(es) of $((pupils_total / count)) pupils on average, $CONNECTIONS connections, ${DELAY_MS:-0} ms pause, ${SECONDS_RUN} s, ${db%%:*}"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -s "$dir/save.lua" "$base" | sed -n '/Latency Distribution/,/Requests\/sec/p'

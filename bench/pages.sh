#!/usr/bin/env bash
# Times the absence pages a user opens, against `trivsel demo --pupils PUPILS` on SQLite.
# Usage: bench/pages.sh [PUPILS] [REQUESTS]   (defaults 50000 and 20 requests per page)
# DB=sqlite:///path/demo.db reuses a seeded demo database (seeding 50,000 pupils takes about a
# minute). Each page is requested once to warm up, then REQUESTS times one after another; p50,
# p90 and max are printed in ms. «after a roll call» saves a roll call of 5.A before each
# request of the municipal overview, so every request has a change to take in.
set -euo pipefail
cd "$(dirname "$0")/.."
PUPILS="${1:-50000}"
N="${2:-20}"
bin=target/release/trivsel
[ -x "$bin" ] || cargo build --release -p trivsel
dir="$(mktemp -d)"
db="${DB:-sqlite://$dir/demo.db}"
port=$((20000 + RANDOM % 20000))
base="http://127.0.0.1:$port"
start=$(date +%s.%N)
"$bin" --db "$db" demo --pupils "$PUPILS" --addr "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 600); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done
printf 'demo with %s school pupils serving after %.1f s\n' "$PUPILS" "$(echo "$(date +%s.%N) - $start" | bc)"
login() {
  curl -s -o /dev/null -D - -H "Origin: $base" -d "username=$1&password=demo" "$base/login" |
    sed -n 's/^set-cookie: \(trivsel_session=[^;]*\).*/\1/ip'
}
leader=$(login leder)
analyst=$(login kommune)
class=$(curl -s -H "Cookie: $leader" "$base/klasser" | grep -o 'href="/klasser/[0-9]*/fremmoede"' | head -1 | grep -o '[0-9]\+')
child=$(curl -s -H "Cookie: $leader" "$base/klasser/$class/fravaer" | grep -o 'href="/boern/[0-9]*"' | head -1 | grep -o '[0-9]\+')
stats() { sort -n | awk '{ v[NR] = $1 * 1000 } END { printf "%d requests: p50 %.1f ms, p90 %.1f ms, max %.1f ms\n", NR, v[int(NR * 0.5 + 0.5)], v[int(NR * 0.9 + 0.5)], v[NR] }'; }
page() { # label cookie path [before-each]
  local label=$1 cookie=$2 path=$3 before=${4:-}
  curl -fs -o /dev/null -H "Cookie: $cookie" "$base$path"
  for _ in $(seq "$N"); do
    [ -n "$before" ] && $before
    curl -fs -o /dev/null -w '%{time_total}\n' -H "Cookie: $cookie" "$base$path"
  done | { printf '%-40s ' "$label"; stats; }
}
today=$(date +%F)
pupils=$(curl -s -H "Cookie: $leader" "$base/klasser/$class/fremmoede?dato=$today&modul=1" | grep -o 'name="c[0-9]*"' | sort -u | grep -o '[0-9]\+')
flip=0
roll_call() {
  flip=$((1 - flip))
  local body="dato=$today&modul=1" code=P
  [ "$flip" = 1 ] && code=S
  for p in $pupils; do body="$body&c$p=$code"; code=P; done
  curl -fs -o /dev/null -H "Cookie: $leader" -H "Origin: $base" -d "$body" "$base/klasser/$class/fremmoede"
}
page "school overview (leder)" "$leader" /fravaer/skole
page "quarter report (leder)" "$leader" /fravaer/kvartal
page "class overview (leder)" "$leader" "/klasser/$class/fravaer"
page "child's page (leder)" "$leader" "/boern/$child"
page "municipal overview (kommune)" "$analyst" /fravaer/kommune
page "municipal overview after a roll call" "$analyst" /fravaer/kommune roll_call
page "quarter report (kommune)" "$analyst" /fravaer/kvartal
page "kommunens overblik (kommune)" "$analyst" /kommune
page "kommunens overblik after a roll call" "$analyst" /kommune roll_call
page "overblik, one school (kommune)" "$analyst" "/kommune?institution=1"
page "overblik XLSX download (kommune)" "$analyst" /kommune/skoler.xlsx
page "half-yearly status (kommune)" "$analyst" /kommune/status

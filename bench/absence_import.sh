#!/usr/bin/env bash
# Times the user's path through a school year of absence from the product's own database:
# `trivsel import absence` of a generated file, the database's size per registration, and
# `trivsel absence events` over the school year.
# Usage: bench/absence_import.sh [PUPILS] [DAYS]   (default 25000 × 200 × 2 slots = 10 M rows)
# DB=postgres://postgres@127.0.0.1:5432/trivsel_bench runs it on PostgreSQL (the database is
# dropped and created again); the default is a new SQLite file. KEEP_DATA=1 keeps the files.
set -euo pipefail
cd "$(dirname "$0")/.."
PUPILS="${1:-25000}"
DAYS="${2:-200}"
dir="$(mktemp -d)"
if [ -n "${KEEP_DATA:-}" ]; then echo "data kept in $dir"; else trap 'rm -rf "$dir"' EXIT; fi
bin=target/release/trivsel
[ -x "$bin" ] || cargo build --release -p trivsel
python3 bench/absence_data.py "$dir" "$PUPILS" "$DAYS"
rows=$(($(wc -l < "$dir/absence.csv") - 1))
if [[ "${DB:-}" == postgres* ]]; then
  db="$DB"
  name="${db##*/}"
  psql "${db%/*}/postgres" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
else
  db="sqlite://$dir/bench.db"
fi
"$bin" --db "$db" municipality add 999 Benchmark >/dev/null
"$bin" --db "$db" import roster "$dir/roster.csv" >/dev/null
echo "absence import: $rows rows, $(du -h "$dir/absence.csv" | cut -f1) CSV, $PUPILS pupils"
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); echo "$end - $start" | bc; }
printf 'import absence: %.1f s\n' "$(seconds "$bin" --db "$db" import absence "$dir/absence.csv")"
if [[ "$db" == sqlite* ]]; then
  "$bin" --db "$db" migrate >/dev/null # checkpoints the WAL into the file
  bytes=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(sum(r[0] for r in c.execute(\"SELECT pgsize FROM dbstat WHERE name LIKE 'absence_years%'\")))" "$dir/bench.db" 2>/dev/null || echo 0)
  printf 'database: %s in all, absence rows %s bytes = %.1f bytes per registration\n' \
    "$(du -h "$dir/bench.db" | cut -f1)" "$bytes" "$(echo "$bytes / $rows" | bc -l)"
fi
for run in 1 2 3; do
  printf 'absence events (run %d): %.2f s\n' "$run" "$(seconds "$bin" --db "$db" absence events --from 2024-08-01 --to 2025-07-31)"
done

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
python3 - "$dir" "$PUPILS" "$DAYS" <<'PY'
import datetime, random, sys
out, pupils, days = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(f"{out}/roster.csv", "w") as f:
    f.write("school,school_name,class,pupil_id,given_name,family_name,birth_date,enrolled_from,enrolled_to\n")
    for p in range(pupils):
        f.write(f"S{p // 280:03},Skole {p // 280},{p % 10}.A,P{p:06},Barn,Nr{p},2014-01-01,2024-08-01,\n")
dates, d = [], datetime.date(2024, 8, 1)
while len(dates) < days:
    if d.weekday() < 5:
        dates.append(d.isoformat())
    d += datetime.timedelta(days=1)
rng = random.Random(1)
codes = "P" * 90 + "S" * 4 + "L" * 2 + "U" * 2 + "F" + "T"
with open(f"{out}/absence.csv", "w") as f:
    f.write("pupil_id,date,slot,code\n")
    for p in range(pupils):
        pid = f"P{p:06}"
        f.writelines(f"{pid},{day},{slot},{rng.choice(codes)}\n" for day in dates for slot in (1, 2))
PY
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

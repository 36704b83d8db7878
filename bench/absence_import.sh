#!/usr/bin/env bash
# Times `trivsel import absence` of a generated file on a new SQLite database.
# Usage: bench/absence_import.sh [PUPILS] [DAYS]   (default 25000 × 200 × 2 slots = 10 M rows)
set -euo pipefail
cd "$(dirname "$0")/.."
PUPILS="${1:-25000}"
DAYS="${2:-200}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
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
db="sqlite://$dir/bench.db"
"$bin" --db "$db" municipality add 999 Benchmark >/dev/null
"$bin" --db "$db" import roster "$dir/roster.csv" >/dev/null
echo "absence import: $rows rows, $(du -h "$dir/absence.csv" | cut -f1) CSV, $PUPILS pupils"
start=$(date +%s.%N)
"$bin" --db "$db" import absence "$dir/absence.csv"
end=$(date +%s.%N)
printf 'import absence: %.1f s\n' "$(echo "$end - $start" | bc)"

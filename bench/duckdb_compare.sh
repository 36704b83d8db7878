#!/usr/bin/env bash
# Compares the absence rule engine with the same rules in DuckDB (bench/absence_rules.sql).
#
#   bench/duckdb_compare.sh [PUPILS] [DAYS] [SLOTS]     (defaults 100000 200 2)
#   bench/duckdb_compare.sh --command [PUPILS] [DAYS]   (defaults 50000 195)
#
# --command compares the user's path instead: bench/absence_data.py writes a school year in the
# import formats and, for DuckDB, the same registrations numbered; the product imports them
# into a new SQLite database (`trivsel import roster`, `import absence`), then `trivsel absence
# events` over the school year is timed (RUNS runs, best counted) against DuckDB's load of the
# CSV plus its best run of the rules, and the events must be identical.
#
# Runs `trivsel bench absence --export DIR` (generates the data, times the engine, writes
# registrations.csv and events_trivsel.csv), loads the CSV into DuckDB (timed separately), runs
# the rules there (RUNS times, best counted; default 3), and checks that DuckDB's events are
# identical to the engine's. Exit code 1 when they differ.
#
# Environment: CARGO_TARGET_DIR (default ./target), RUNS (DuckDB runs, default 3),
# THREADS (engine threads, default all cores), KEEP_DATA=1 keeps registrations.csv.
# The full size, 700000 pupils (about 4 GB of CSV; one DuckDB run takes minutes):
#   RUNS=1 bench/duckdb_compare.sh 700000 200 2
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
command_mode=0
if [[ ${1:-} == --command ]]; then
    command_mode=1
    shift
fi
pupils=${1:-100000}
days=${2:-200}
slots=${3:-2}
target=${CARGO_TARGET_DIR:-$root/target}
bin=$target/release/trivsel
venv=$target/duckdb-venv
dir=$target/absence-bench-${pupils}x${days}x${slots}

(cd "$root" && CARGO_TARGET_DIR=$target cargo build --release -p trivsel --quiet)

if ! "$venv/bin/python" -c 'import duckdb' 2>/dev/null; then
    echo "installing duckdb into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet duckdb
fi

if [[ $command_mode == 1 ]]; then
    pupils=${1:-50000}
    days=${2:-195}
    dir=$target/absence-command-${pupils}x${days}
    rm -rf "$dir"
    mkdir -p "$dir"
    python3 "$root/bench/absence_data.py" "$dir" "$pupils" "$days" --duckdb
    db="sqlite://$dir/bench.db"
    "$bin" --db "$db" municipality add 999 Benchmark >/dev/null
    "$bin" --db "$db" import roster "$dir/roster.csv" >/dev/null
    "$bin" --db "$db" import absence "$dir/absence.csv" >/dev/null
    last=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dates"][-1])' "$dir/bench.json")
    status=0
    "$venv/bin/python" "$root/bench/duckdb_compare.py" --command "$dir" "$root/bench/absence_rules.sql" "${RUNS:-3}" \
        "$bin" --db "$db" absence events --from 2024-08-01 --to "$last" || status=$?
    if [[ ${KEEP_DATA:-0} != 1 ]]; then
        rm -rf "$dir"
    fi
    exit "$status"
fi

rm -rf "$dir"
threads_arg=()
if [[ -n ${THREADS:-} ]]; then
    threads_arg=(--threads "$THREADS")
fi
"$bin" bench absence --pupils "$pupils" --days "$days" --slots "$slots" "${threads_arg[@]}" --export "$dir"
echo
status=0
"$venv/bin/python" "$root/bench/duckdb_compare.py" "$dir" "$root/bench/absence_rules.sql" "${RUNS:-3}" || status=$?
if [[ ${KEEP_DATA:-0} != 1 ]]; then
    rm -rf "$dir/registrations.csv" "$dir/duckdb.tmp"
fi
echo "files: $dir"
exit "$status"

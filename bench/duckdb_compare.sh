#!/usr/bin/env bash
# Compares the absence rule engine with the same rules in DuckDB (bench/absence_rules.sql).
#
#   bench/duckdb_compare.sh [PUPILS] [DAYS] [SLOTS]     (defaults 100000 200 2)
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

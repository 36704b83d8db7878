"""Runs the absence rules in DuckDB on data exported by `trivsel bench absence --export DIR`
and checks that DuckDB's events are identical to Trivsel's. Called by duckdb_compare.sh.

Usage: duckdb_compare.py DIR RULES_SQL [RUNS]
       duckdb_compare.py --command DIR RULES_SQL RUNS TRIVSEL-COMMAND…
The second form runs the product's command (`trivsel … absence events`) RUNS times instead of
reading the engine's timing, and compares its events (pupil_id,rule,date; the pupils P000000…
and dates of bench.json, as bench/absence_data.py writes them) with DuckDB's.
Exit code 1 when the events differ.
"""

import collections
import json
import os
import subprocess
import sys
import time

import duckdb


def read_events(path):
    with open(path) as f:
        header = f.readline().strip()
        if header != "pupil,rule,day":
            sys.exit(f"{path}: unexpected header {header!r}")
        return sorted(line.rstrip("\n") for line in f)


def rule_counts(lines):
    return collections.Counter(line.split(",")[1] for line in lines)


def run_command(directory, command, runs, dates):
    """Times the product's command; writes its events as events_trivsel.csv (pupil,rule,day)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        times.append(time.perf_counter() - start)
    day = {d: i for i, d in enumerate(dates)}
    lines = out.splitlines()
    if lines[0] != "pupil_id,rule,date":
        sys.exit(f"unexpected header {lines[0]!r} from {' '.join(command)}")
    with open(os.path.join(directory, "events_trivsel.csv"), "w") as f:
        f.write("pupil,rule,day\n")
        for line in lines[1:]:
            pupil, rule, date = line.split(",")
            f.write(f"{int(pupil[1:])},{rule},{day[date]}\n")
    print("trivsel absence events: " + ", ".join(f"run {i + 1} {t:.2f} s" for i, t in enumerate(times)))
    return min(times)


def main():
    args = sys.argv[1:]
    command_mode = args[:1] == ["--command"]
    if command_mode:
        args = args[1:]
    directory, rules_sql = args[0], args[1]
    runs = int(args[2]) if len(args) > 2 else 1
    with open(os.path.join(directory, "bench.json")) as f:
        trivsel = json.load(f)
    command_best = run_command(directory, args[3:], runs, trivsel["dates"]) if command_mode else None
    with open(rules_sql) as f:
        query = f.read()

    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{os.path.join(directory, 'duckdb.tmp')}'")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]

    start = time.perf_counter()
    con.execute(
        "CREATE TABLE registrations AS SELECT * FROM read_csv(?, header = true, "
        "columns = {'pupil': 'INTEGER', 'day': 'SMALLINT', 'slot': 'SMALLINT', 'code': 'VARCHAR'})",
        [os.path.join(directory, "registrations.csv")],
    )
    load = time.perf_counter() - start
    rows = con.execute("SELECT count(*) FROM registrations").fetchone()[0]
    if rows != trivsel["registrations"]:
        sys.exit(f"registrations.csv has {rows} rows, Trivsel counted {trivsel['registrations']}")
    print(f"duckdb {duckdb.__version__}, {threads} threads")
    print(f"duckdb load registrations.csv: {load:.2f} s ({rows} rows)")

    con.execute(f"SET VARIABLE pupils = {int(trivsel['pupils'])}")
    con.execute(f"SET VARIABLE days = {int(trivsel['days'])}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        con.execute(query)
        times.append(time.perf_counter() - start)
    best = min(times)
    print("duckdb rules: " + ", ".join(f"run {i + 1} {t:.2f} s" for i, t in enumerate(times)) + f"; best {best:.2f} s")

    ours = os.path.join(directory, "events_duckdb.csv")
    con.execute(f"COPY (SELECT pupil, rule, day FROM events ORDER BY day, pupil, rule) TO '{ours}' (HEADER)")
    con.close()

    expected = read_events(os.path.join(directory, "events_trivsel.csv"))
    got = read_events(ours)
    if command_mode:
        print(f"duckdb from CSV (load + best run): {load + best:.2f} s")
        print(f"duckdb / trivsel absence events: {(load + best) / command_best:.1f} x")
    else:
        engine = trivsel["evaluate_seconds"]
        print(f"trivsel rules (best of {len(trivsel['evaluate_runs_seconds'])}): {engine:.4f} s")
        print(f"duckdb / trivsel: {best / engine:.1f} x")
    if expected == got:
        print(f"events: identical ({len(got)} events; {dict(sorted(rule_counts(got).items()))})")
        return 0
    print(f"events DIFFER: trivsel {len(expected)}, duckdb {len(got)}")
    want, have = rule_counts(expected), rule_counts(got)
    for rule in sorted(set(want) | set(have)):
        print(f"  {rule}: trivsel {want[rule]}, duckdb {have[rule]}")
    only_trivsel = list((collections.Counter(expected) - collections.Counter(got)).elements())
    only_duckdb = list((collections.Counter(got) - collections.Counter(expected)).elements())
    print(f"  only in trivsel ({len(only_trivsel)}): {sorted(only_trivsel)[:10]}")
    print(f"  only in duckdb ({len(only_duckdb)}): {sorted(only_duckdb)[:10]}")
    return 1


if __name__ == "__main__":
    sys.exit(main())

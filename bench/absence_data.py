"""Writes a synthetic school year in the product's import formats: roster.csv (PUPILS pupils,
280 per school, all enrolled from 1 August 2024) and absence.csv (DAYS school days from 1 August
2024 — weekdays that are not Danish public holidays, as the product counts them without
imported school holidays — × 2 slots, seeded codes, mostly P). With --duckdb it also writes the same registrations as
registrations.csv for bench/absence_rules.sql (pupil and school-day numbers from 0) and
bench.json, so that DuckDB can run the rules on exactly the data the product imported.

Usage: absence_data.py DIR PUPILS DAYS [--duckdb]
"""

import datetime
import json
import random
import sys


def easter(year):
    """Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l) // 433
    month = (h + l - 7 * m + 90) // 25
    return datetime.date(year, month, (h + l - 7 * m + 33 * month + 19) % 32)


def public_holidays(year):
    """The Danish public holidays on weekdays that matter to schools (as the domain's calendar)."""
    e = easter(year)
    moving = [e + datetime.timedelta(days=n) for n in (-3, -2, 1, 39, 50)]
    if year <= 2023:
        moving.append(e + datetime.timedelta(days=26))  # store bededag
    fixed = [datetime.date(year, 1, 1), datetime.date(year, 6, 5), datetime.date(year, 12, 25), datetime.date(year, 12, 26)]
    return set(moving + fixed)


def main():
    out, pupils, days = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    duckdb = "--duckdb" in sys.argv[4:]
    with open(f"{out}/roster.csv", "w") as f:
        f.write("school,school_name,class,pupil_id,given_name,family_name,birth_date,enrolled_from,enrolled_to\n")
        for p in range(pupils):
            f.write(f"S{p // 280:03},Skole {p // 280},{p % 10}.A,P{p:06},Barn,Nr{p},2014-01-01,2024-08-01,\n")
    dates, d = [], datetime.date(2024, 8, 1)
    holidays = public_holidays(2024) | public_holidays(2025)
    while len(dates) < days:
        if d.weekday() < 5 and d not in holidays:
            dates.append(d.isoformat())
        d += datetime.timedelta(days=1)
    rng = random.Random(1)
    codes = "P" * 90 + "S" * 4 + "L" * 2 + "U" * 2 + "F" + "T"
    plain = open(f"{out}/absence.csv", "w")
    plain.write("pupil_id,date,slot,code\n")
    numbered = open(f"{out}/registrations.csv", "w") if duckdb else None
    if numbered:
        numbered.write("pupil,day,slot,code\n")
    for p in range(pupils):
        pid = f"P{p:06}"
        picked = [(i, slot, rng.choice(codes)) for i in range(days) for slot in (1, 2)]
        plain.writelines(f"{pid},{dates[i]},{slot},{code}\n" for i, slot, code in picked)
        if numbered:
            numbered.writelines(f"{p},{i},{slot},{code}\n" for i, slot, code in picked)
    plain.close()
    if numbered:
        numbered.close()
        with open(f"{out}/bench.json", "w") as f:
            json.dump({"pupils": pupils, "days": days, "registrations": pupils * days * 2, "dates": dates}, f)


if __name__ == "__main__":
    main()

-- The absence rules, version 1, as one DuckDB query with window functions, written from the
-- domain brief (DOMAIN.md, "Absence rules (version 1) — exact semantics") for
-- bench/duckdb_compare.sh.
--
-- Input:
--   registrations(pupil, day, slot, code): one row per registration, codes P S L U F T;
--     `day` numbers the pupil's school days 0, 1, 2, … of one school year. (pupil, day, slot)
--     is unique: replaced registrations are already gone.
--   variables pupils and days (SET VARIABLE): every pupil 0 … pupils-1 has the school days
--     0 … days-1. A school day without registrations is a missing registration (value 0).
-- Output: table events(pupil, rule, day), one row per trigger.
--
-- Default thresholds. All arithmetic is in integers: day values are counted in half-days
-- (value 1 = 2 halves, 0.5 = 1 half).
--   consecutive     run of value-1 days ending at d >= 5
--   window_7_20     halves over the last 20 school days >= 14
--   window_15_60    halves over the last 60 school days >= 30
--   comes_and_goes  F/T registrations over the last 20 school days >= 5
--   percent_10      at least 20 school days so far and halves / 2 / days >= 10 %,
--                   i.e. 10 * halves >= 2 * days
-- A rule triggers on d when it holds on d and did not hold on the previous school day (or d is
-- the first school day). Windows are per pupil and never reach before its first school day
-- of the school year; all rows here belong to one school year.
CREATE OR REPLACE TABLE events AS
WITH tally AS (
    -- R, A (S, L, U) and F/T per pupil and day with registrations.
    SELECT pupil, day,
           count(*) AS r,
           count(*) FILTER (WHERE code IN ('S', 'L', 'U')) AS a,
           count(*) FILTER (WHERE code IN ('F', 'T')) AS ft
    FROM registrations
    GROUP BY pupil, day
),
school_days AS (
    SELECT p.range::INTEGER AS pupil, d.range::INTEGER AS day
    FROM range(getvariable('pupils')) p CROSS JOIN range(getvariable('days')) d
),
day_values AS (
    -- Day value in halves: 2 if R > 0 and A = R; 1 if 0 < A < R; 0 otherwise (also R = 0).
    SELECT s.pupil, s.day,
           CASE WHEN coalesce(t.a, 0) = 0 THEN 0 WHEN t.a = t.r THEN 2 ELSE 1 END AS halves,
           coalesce(t.ft, 0) AS ft
    FROM school_days s LEFT JOIN tally t ON t.pupil = s.pupil AND t.day = s.day
),
sums AS (
    SELECT pupil, day,
           -- The run of value-1 days ending at d is >= 5 exactly when the last 5 school days
           -- (d-4 … d, all of them existing) have value 1.
           count(*) FILTER (WHERE halves = 2) OVER last_5 AS full_days_5,
           sum(halves) OVER last_20 AS halves_20,
           sum(halves) OVER last_60 AS halves_60,
           sum(ft) OVER last_20 AS ft_20,
           sum(halves) OVER so_far AS halves_so_far,
           count(*) OVER so_far AS days_so_far
    FROM day_values
    WINDOW by_day AS (PARTITION BY pupil ORDER BY day),
           last_5 AS (by_day ROWS BETWEEN 4 PRECEDING AND CURRENT ROW),
           last_20 AS (by_day ROWS BETWEEN 19 PRECEDING AND CURRENT ROW),
           last_60 AS (by_day ROWS BETWEEN 59 PRECEDING AND CURRENT ROW),
           so_far AS (by_day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
holds AS (
    SELECT pupil, day,
           full_days_5 >= 5 AS consecutive,
           halves_20 >= 14 AS window_7_20,
           halves_60 >= 30 AS window_15_60,
           ft_20 >= 5 AS comes_and_goes,
           days_so_far >= 20 AND 10 * halves_so_far >= 2 * days_so_far AS percent_10
    FROM sums
),
triggers AS (
    SELECT pupil, day,
           consecutive AND NOT coalesce(lag(consecutive) OVER by_day, false) AS consecutive,
           window_7_20 AND NOT coalesce(lag(window_7_20) OVER by_day, false) AS window_7_20,
           window_15_60 AND NOT coalesce(lag(window_15_60) OVER by_day, false) AS window_15_60,
           comes_and_goes AND NOT coalesce(lag(comes_and_goes) OVER by_day, false) AS comes_and_goes,
           percent_10 AND NOT coalesce(lag(percent_10) OVER by_day, false) AS percent_10
    FROM holds
    WINDOW by_day AS (PARTITION BY pupil ORDER BY day)
)
SELECT pupil, rule, day
FROM triggers
UNPIVOT (fires FOR rule IN (consecutive, window_7_20, window_15_60, comes_and_goes, percent_10))
WHERE fires;

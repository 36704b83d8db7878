-- The leadership's monthly review of absence per class (månedlig gennemgang): who and when.
CREATE TABLE absence_reviews (
    class_id INTEGER NOT NULL REFERENCES classes (id),
    month TEXT NOT NULL,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    reviewed_by INTEGER NOT NULL REFERENCES users (id),
    reviewed_at TIMESTAMP NOT NULL,
    comment TEXT,
    PRIMARY KEY (class_id, month)
);

-- Each municipality's absence-rule thresholds (tærskler); defaults apply without a row.
CREATE TABLE absence_thresholds (
    municipality_id INTEGER PRIMARY KEY REFERENCES municipalities (id),
    consecutive_days INTEGER NOT NULL,
    short_window_days INTEGER NOT NULL,
    short_window_halves INTEGER NOT NULL,
    long_window_days INTEGER NOT NULL,
    long_window_halves INTEGER NOT NULL,
    comes_and_goes_days INTEGER NOT NULL,
    comes_and_goes_count INTEGER NOT NULL,
    percent_min_days INTEGER NOT NULL,
    percent_permille INTEGER NOT NULL
);

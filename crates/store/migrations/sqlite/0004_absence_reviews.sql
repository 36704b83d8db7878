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

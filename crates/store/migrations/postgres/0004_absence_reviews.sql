-- The leadership's monthly review of absence per class (månedlig gennemgang): who and when.
CREATE TABLE absence_reviews (
    class_id BIGINT NOT NULL REFERENCES classes (id),
    month TEXT NOT NULL,
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    reviewed_by BIGINT NOT NULL REFERENCES users (id),
    reviewed_at TIMESTAMPTZ NOT NULL,
    comment TEXT,
    PRIMARY KEY (class_id, month)
);

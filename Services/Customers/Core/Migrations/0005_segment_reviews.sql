-- When a customer's memberships must be looked at again with no new event about them: a
-- purchase is about to leave a segment's window, or a segment was (re)defined. The
-- review worker takes the rows that are due, a batch at a time.
CREATE TABLE segment_reviews (
    customer_id uuid PRIMARY KEY REFERENCES customers,
    due_at      timestamptz NOT NULL
);
CREATE INDEX segment_reviews_due ON segment_reviews (due_at);

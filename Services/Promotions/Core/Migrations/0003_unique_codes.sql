-- Single-use codes of promotions with `uniqueCodes`, generated in batches. A code is
-- used while a redemption that names it is held or committed.
CREATE TABLE unique_codes (
    code         text PRIMARY KEY,
    promotion_id text NOT NULL REFERENCES promotions,
    batch_id     text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unique_codes_by_batch ON unique_codes (promotion_id, batch_id, code);

CREATE TABLE code_batches (
    batch_id     text PRIMARY KEY,
    promotion_id text NOT NULL REFERENCES promotions,
    count        integer NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX redemptions_by_code ON redemptions (code) WHERE status <> 'released';

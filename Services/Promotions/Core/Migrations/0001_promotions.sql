-- Promotions, the orders they were applied to, and the redemptions that count against
-- usage limits (held while an order is placed, committed when it is confirmed).

CREATE TABLE promotions (
    promotion_id text PRIMARY KEY,
    -- The normalised code (upper case); NULL for automatic promotions.
    code         text UNIQUE,
    definition   jsonb NOT NULL,
    active       boolean NOT NULL,
    version      integer NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per order the saga asked about: the answer it got, so a retry gets the same.
CREATE TABLE applications (
    order_id     text PRIMARY KEY,
    status       text NOT NULL CHECK (status IN ('applied', 'rejected', 'committed', 'released')),
    customer_id  text,
    channel      text,
    answer       jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE redemptions (
    order_id       text NOT NULL,
    promotion_id   text NOT NULL REFERENCES promotions,
    customer_id    text,
    code           text,
    channel        text NOT NULL,
    status         text NOT NULL CHECK (status IN ('held', 'committed', 'released')),
    discount_minor bigint NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, promotion_id)
);
CREATE INDEX redemptions_counting ON redemptions (promotion_id, customer_id) WHERE status <> 'released';

-- B2B quotes, and the promotions read model (from promotions' PromotionUpserted) that
-- prices them with the shared engine, with no side effect on usage.
CREATE TABLE quotes (
    quote_id     text PRIMARY KEY,
    status       text NOT NULL CHECK (status IN ('open', 'converted', 'expired')),
    customer_id  text,
    lead_id      text,
    valid_until  timestamptz NOT NULL,
    snapshot     jsonb NOT NULL,
    order_id     text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quotes_open_by_validity ON quotes (valid_until) WHERE status = 'open';

CREATE TABLE promotions (
    promotion_id text PRIMARY KEY,
    definition   jsonb NOT NULL,
    version      integer NOT NULL
);

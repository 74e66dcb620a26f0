-- Segments as data, the purchase facts they are evaluated on (from orders' events,
-- refunds negative), and who is in which segment now.
CREATE TABLE segments (
    segment_id text PRIMARY KEY,
    definition jsonb NOT NULL,
    version    integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE purchases (
    customer_id  uuid NOT NULL REFERENCES customers,
    -- The order id for a purchase, the return id for a refund.
    reference    text NOT NULL,
    order_id     text NOT NULL,
    channel      text NOT NULL,
    amount_minor bigint NOT NULL,
    currency     text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    PRIMARY KEY (customer_id, reference)
);

CREATE TABLE segment_memberships (
    customer_id uuid NOT NULL REFERENCES customers,
    segment_id  text NOT NULL REFERENCES segments,
    since       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, segment_id)
);

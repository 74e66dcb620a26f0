-- Goods that came back: one row per return (idempotent by the channel's return id), its
-- lines and refund as sent in ItemsReturned.
CREATE TABLE returns (
    return_id    text PRIMARY KEY,
    order_id     text NOT NULL REFERENCES orders (order_id),
    location_id  text NOT NULL,
    channel      text,
    reason       text,
    lines        jsonb NOT NULL,
    refund_minor bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX returns_by_order ON returns (order_id);

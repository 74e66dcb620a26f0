-- Transfers shipped in transit: the units left the sender's on-hand (its ledger has the
-- transfer-out) and enter the receiver's when `ReceiveTransfer` says they arrived. Until
-- then they are counted here, shown apart as "in transit" at the receiver.
CREATE TABLE IF NOT EXISTS transfers (
    reference         text PRIMARY KEY,
    sku               text NOT NULL REFERENCES products,
    from_location_id  text NOT NULL REFERENCES locations,
    to_location_id    text NOT NULL REFERENCES locations,
    quantity          int NOT NULL CHECK (quantity > 0),
    received_quantity int CHECK (received_quantity BETWEEN 0 AND quantity),
    shipped_at        timestamptz NOT NULL DEFAULT now(),
    received_at       timestamptz
);
-- What is on its way to a location (the stock views' "in transit").
CREATE INDEX IF NOT EXISTS transfers_in_transit ON transfers (sku, to_location_id) WHERE received_at IS NULL;

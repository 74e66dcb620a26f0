-- Journey analytics: how each purchase was fulfilled (click & collect share), and carts
-- left idle (from orders' CartAbandoned; the owner may be an anonymous session).
ALTER TABLE purchases ADD COLUMN fulfilment text;
CREATE TABLE abandoned_carts (
    owner_id     text NOT NULL,
    customer_id  uuid REFERENCES customers,
    last_channel text,
    abandoned_at timestamptz NOT NULL,
    PRIMARY KEY (owner_id, abandoned_at)
);

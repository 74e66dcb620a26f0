-- A person's open carts on every device, from orders' CartUpdated and CartsMerged, so the
-- 360 view answers J7 in one lookup. Keyed by the cart's owner: a customer id, or an
-- anonymous session that may be linked to a profile later (the view follows the link).
CREATE TABLE open_carts (
    owner_id     text PRIMARY KEY,
    customer_id  uuid REFERENCES customers,
    lines        jsonb NOT NULL,
    last_channel text,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX open_carts_customer ON open_carts (customer_id) WHERE customer_id IS NOT NULL;

-- Everything the delivery rules need of a person (consent per medium, preferred medium,
-- quiet hours in their time zone, a phone for SMS), messages on every medium with the
-- at-most-once `sending` state, and the read models and subscriptions of the other
-- triggers (products for back in stock, assignees for lead alerts).
ALTER TABLE recipients
    ADD COLUMN phone            text,
    ADD COLUMN sms_consent      boolean,
    ADD COLUMN push_consent     boolean,
    ADD COLUMN preferred_medium text,
    ADD COLUMN quiet_start      text,
    ADD COLUMN quiet_end        text,
    ADD COLUMN time_zone        text;

ALTER TABLE messages DROP CONSTRAINT messages_status_check;
ALTER TABLE messages ADD CONSTRAINT messages_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'suppressed', 'failed', 'cancelled'));
-- When this replica took it to send: a `sending` row older than the lease is a crash
-- mid-send, failed as `outcome-unknown` rather than sent twice.
ALTER TABLE messages ADD COLUMN claimed_at timestamptz;
ALTER TABLE messages ADD COLUMN campaign_id text;
CREATE INDEX messages_sending ON messages (claimed_at) WHERE status = 'sending';
-- The rolling-week pressure count.
CREATE INDEX messages_marketing ON messages (customer_id, created_at) WHERE NOT transactional;

CREATE TABLE products (
    sku  text PRIMARY KEY,
    name text NOT NULL
);

-- A customer waiting for a sku online (`location_id` null) or at a store: told once.
CREATE TABLE stock_subscriptions (
    customer_id   text NOT NULL,
    sku           text NOT NULL,
    location_id   text NOT NULL DEFAULT '',
    channel       text NOT NULL,
    subscribed_at timestamptz NOT NULL DEFAULT now(),
    notified_at   timestamptz,
    PRIMARY KEY (customer_id, sku, location_id)
);
CREATE INDEX stock_subscriptions_waiting ON stock_subscriptions (sku, location_id) WHERE notified_at IS NULL;

-- Who is behind a lead assignee (a telesales queue, a field rep, a distributor, an agent).
CREATE TABLE assignees (
    kind  text NOT NULL,
    id    text NOT NULL,
    name  text NOT NULL,
    email text,
    phone text,
    PRIMARY KEY (kind, id)
);

-- Templates tell where and when to collect.
ALTER TABLE stores ADD COLUMN address text, ADD COLUMN opening_hours text;

-- The journey the message belongs to (the order's, the lead's): its delivery events carry
-- it, so one correlation id follows an order from the till to the customer's inbox.
ALTER TABLE messages ADD COLUMN correlation_id text;

-- Customers: one profile per person, its identifiers, consents (with history), contact
-- preferences, the loyalty ledger and the timeline of every channel.

CREATE TABLE customers (
    customer_id       uuid PRIMARY KEY,
    status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged', 'erased')),
    merged_into       uuid REFERENCES customers,
    first_name        text,
    last_name         text,
    locale            text,
    time_zone         text,
    addresses         jsonb NOT NULL DEFAULT '[]',
    preferred_medium  text,
    quiet_start       text,
    quiet_end         text,
    entry_channel     text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    erased_at         timestamptz
);
CREATE INDEX customers_merged_into ON customers (merged_into) WHERE merged_into IS NOT NULL;

-- Normalised identifiers; one owner each. Merges move them to the survivor.
CREATE TABLE identifiers (
    kind        text NOT NULL,
    value       text NOT NULL,
    customer_id uuid NOT NULL REFERENCES customers,
    channel     text,
    linked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, value)
);
CREATE INDEX identifiers_customer ON identifiers (customer_id);

-- Every consent given or withdrawn, kept as proof; the latest per medium applies.
CREATE TABLE consents (
    consent_id      bigserial PRIMARY KEY,
    customer_id     uuid NOT NULL REFERENCES customers,
    medium          text NOT NULL CHECK (medium IN ('email', 'sms', 'push', 'phone', 'post')),
    granted         boolean NOT NULL,
    channel         text NOT NULL,
    wording_version text NOT NULL,
    recorded_at     timestamptz NOT NULL
);
CREATE INDEX consents_current ON consents (customer_id, medium, recorded_at DESC, consent_id DESC);

-- Points, signed; one entry per (customer, kind, reference) so redelivery changes nothing.
CREATE TABLE loyalty_ledger (
    entry_id    bigserial PRIMARY KEY,
    customer_id uuid NOT NULL REFERENCES customers,
    kind        text NOT NULL CHECK (kind IN ('earn', 'reverse', 'redeem', 'adjust')),
    points      int NOT NULL,
    reason      text NOT NULL,
    reference   text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (customer_id, kind, reference)
);
CREATE INDEX loyalty_ledger_customer ON loyalty_ledger (customer_id, entry_id);

-- Every touchpoint from every channel, in order.
CREATE TABLE timeline (
    entry_id    bigserial PRIMARY KEY,
    customer_id uuid NOT NULL REFERENCES customers,
    occurred_at timestamptz NOT NULL,
    channel     text,
    kind        text NOT NULL,
    summary     text NOT NULL,
    reference   text,
    message_id  uuid
);
CREATE INDEX timeline_customer ON timeline (customer_id, occurred_at DESC, entry_id DESC);

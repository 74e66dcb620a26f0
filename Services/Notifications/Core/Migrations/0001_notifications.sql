-- What notifications knows of people (from customers' events) and stores (from
-- catalog's), and every message: one row per (trigger, subject, template), so a
-- redelivered event never sends twice.
CREATE TABLE recipients (
    customer_id   text PRIMARY KEY,
    first_name    text,
    locale        text,
    email         text,
    email_consent boolean,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE stores (
    location_id text PRIMARY KEY,
    name        text NOT NULL
);

CREATE TABLE messages (
    message_id      uuid PRIMARY KEY,
    dedupe_key      text NOT NULL UNIQUE,
    customer_id     text,
    trigger         text NOT NULL,
    template        text NOT NULL,
    locale          text NOT NULL,
    medium          text NOT NULL,
    address         text,
    subject         text,
    body            text,
    transactional   boolean NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'sent', 'suppressed', 'failed')),
    reason          text,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX messages_by_customer ON messages (customer_id, created_at DESC);

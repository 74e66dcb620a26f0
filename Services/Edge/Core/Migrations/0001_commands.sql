-- Every command a channel sent through the edge, by the id derived from its client and
-- idempotency key (a repeat finds its row), with the outcome once an event ends it.
CREATE TABLE commands (
    command_id      uuid PRIMARY KEY,
    client          text NOT NULL,
    idempotency_key text NOT NULL,
    type            text NOT NULL,
    -- SHA-256 of the type and the payload as published: a key reused for another body is refused.
    digest          text NOT NULL,
    -- Event types that end it, found by correlation (empty: the first event it causes).
    awaits          text[] NOT NULL,
    -- Those of them that are a refusal.
    rejects         text[] NOT NULL,
    accepted_at     timestamptz NOT NULL DEFAULT now(),
    outcome_type    text,
    outcome_status  int,
    outcome_event   uuid,
    -- The ending event's data as it was published (JSON text).
    outcome_data    text,
    outcome_at      timestamptz
);
-- Forgetting old commands (past every retry window) walks this.
CREATE INDEX commands_accepted_at ON commands (accepted_at);

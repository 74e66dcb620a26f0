-- Delivery plumbing every service schema has (DESIGN.md, "Delivery guarantees").

-- Transactional outbox: written in the business transaction, published by the relay.
CREATE TABLE outbox (
    id            uuid PRIMARY KEY,             -- the event's ce_id
    sequence      bigserial NOT NULL UNIQUE,    -- publication order
    topic         text NOT NULL,
    message_key   text NOT NULL,                -- the aggregate id: Kafka key
    type          text NOT NULL,                -- ce_type
    headers       jsonb NOT NULL,               -- every Kafka header, name -> value
    payload       bytea NOT NULL,               -- the CloudEvent data
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text
);
CREATE INDEX outbox_unpublished ON outbox (sequence) WHERE published_at IS NULL;
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Wakes the relay at commit time (LISTEN/NOTIFY; polling backs it up).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Idempotent inbox: a message id handled once per consumer, recorded in the handler's transaction.
CREATE TABLE inbox (
    consumer      text NOT NULL,
    message_id    uuid NOT NULL,
    type          text NOT NULL,
    topic         text NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset  bigint NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);
CREATE INDEX inbox_received ON inbox (received_at);

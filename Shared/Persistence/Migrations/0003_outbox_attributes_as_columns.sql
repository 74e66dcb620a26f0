-- The envelope's attributes as columns instead of a jsonb object of headers: Postgres
-- no longer parses every row's headers when it is written and splits them again when
-- the relay reads it, and a stuck row reads plainly.
ALTER TABLE outbox
    ADD COLUMN source         text,
    ADD COLUMN event_time     text,            -- ce_time as sent (RFC 3339)
    ADD COLUMN subject        text,
    ADD COLUMN content_type   text,
    ADD COLUMN correlation_id text,
    ADD COLUMN causation_id   text,
    ADD COLUMN channel        text,
    ADD COLUMN traceparent    text;
UPDATE outbox SET
    source = headers->>'ce_source', event_time = headers->>'ce_time', subject = headers->>'ce_subject',
    content_type = COALESCE(headers->>'content-type', 'application/json'),
    correlation_id = headers->>'ce_correlationid', causation_id = headers->>'ce_causationid',
    channel = headers->>'ce_channel', traceparent = headers->>'traceparent';
ALTER TABLE outbox
    ALTER COLUMN source SET NOT NULL,
    ALTER COLUMN event_time SET NOT NULL,
    ALTER COLUMN content_type SET NOT NULL,
    DROP COLUMN headers;

-- Outbox rows the broker refuses for good (too large, malformed): the relay moves them
-- here with the reason instead of retrying them forever in front of every row behind
-- them. Nothing is lost: once the cause is fixed, an operator moves a row back with
--   WITH back AS (DELETE FROM outbox_parked WHERE id = '…' RETURNING *)
--   INSERT INTO outbox (id, topic, message_key, type, source, event_time, subject, content_type,
--                       correlation_id, causation_id, channel, traceparent, payload, created_at)
--   SELECT id, topic, message_key, type, source, event_time, subject, content_type,
--          correlation_id, causation_id, channel, traceparent, payload, created_at FROM back;
CREATE TABLE outbox_parked (
    id             uuid PRIMARY KEY,
    sequence       bigint NOT NULL,              -- where it stood in the outbox
    topic          text NOT NULL,
    message_key    text NOT NULL,
    type           text NOT NULL,
    source         text NOT NULL,
    event_time     text NOT NULL,
    subject        text,
    content_type   text NOT NULL,
    correlation_id text,
    causation_id   text,
    channel        text,
    traceparent    text,
    payload        bytea NOT NULL,
    created_at     timestamptz NOT NULL,
    attempts       integer NOT NULL,
    last_error     text NOT NULL,
    parked_at      timestamptz NOT NULL DEFAULT now()
);

-- The relay deletes an outbox row in the transaction that claimed it, once the broker
-- acknowledged it, instead of stamping `published_at`: a stamp was a new row version
-- and three index entries per event, and the relay's scans walked the stamped rows'
-- dead entries. Kafka keeps what was published; the outbox keeps only what is not yet.
DELETE FROM outbox WHERE published_at IS NOT NULL;
-- Drops the two partial indexes on it; `sequence`'s unique index orders the relay's scan.
ALTER TABLE outbox DROP COLUMN published_at;

-- Fewer index entries per message (#39): every event was an outbox row with two index
-- entries and an inbox row per reader with two more.
-- The relay claims outbox rows by `sequence`, whose unique index orders its scan: the
-- uuid primary key was an entry written and cleaned up per event for nothing (the ids are
-- UUIDs minted by the emitter, and a parked row keeps its id).
ALTER TABLE outbox DROP CONSTRAINT outbox_pkey;
-- The inbox only grows, in `received_at` order, and is pruned by age: a BRIN index (a
-- few pages for the whole table) instead of a btree entry per delivery.
DROP INDEX inbox_received;
CREATE INDEX inbox_received ON inbox USING brin (received_at);

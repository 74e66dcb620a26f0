-- Wrong pickup codes tried at a store's desk, per order: five in a row lock the handover
-- for 15 minutes (guessing a six-digit code stays out of reach).
CREATE TABLE pickup_attempts (
    order_id   text PRIMARY KEY,
    wrong      int NOT NULL,
    last_wrong timestamptz NOT NULL
);

-- Points an order spends: held (deducted from the balance, a `redeem` entry) when the
-- order saga asks, spent when the order is confirmed, given back (`restore` entries) when
-- it is rejected, cancelled or returned. A row `released` with no points is an order
-- rejected before its hold arrived: the late hold is refused.
ALTER TABLE loyalty_ledger DROP CONSTRAINT IF EXISTS loyalty_ledger_kind_check;
ALTER TABLE loyalty_ledger ADD CONSTRAINT loyalty_ledger_kind_check CHECK (kind IN ('earn', 'reverse', 'redeem', 'adjust', 'restore'));
CREATE TABLE IF NOT EXISTS loyalty_spends (
    order_id        text PRIMARY KEY,
    customer_id     uuid,
    points          int NOT NULL CHECK (points >= 0),
    value_minor     bigint NOT NULL DEFAULT 0,
    restored_points int NOT NULL DEFAULT 0,
    status          text NOT NULL CHECK (status IN ('held', 'spent', 'released', 'restored')),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

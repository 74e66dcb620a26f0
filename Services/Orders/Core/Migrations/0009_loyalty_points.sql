-- Loyalty points an order spends (asked of customers once stock and promotions are held),
-- what they paid, and the hold's command (its refusal is matched to the order by it).
ALTER TABLE orders ADD COLUMN IF NOT EXISTS loyalty_points int, ADD COLUMN IF NOT EXISTS loyalty_value_minor bigint,
    ADD COLUMN IF NOT EXISTS loyalty_command_id uuid;
CREATE INDEX IF NOT EXISTS orders_loyalty_command ON orders (loyalty_command_id) WHERE loyalty_command_id IS NOT NULL;

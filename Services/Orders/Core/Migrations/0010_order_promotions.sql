-- The promotions an order used, as promotions applied them: its confirmation names them
-- (customers' timeline reads them there instead of from a message of promotions' own).
ALTER TABLE orders ADD COLUMN IF NOT EXISTS promotions jsonb;

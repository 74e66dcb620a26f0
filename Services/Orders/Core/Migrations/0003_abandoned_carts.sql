-- A cart left with lines for longer than the shop's idle time is announced once
-- (CartAbandoned); any change to it starts the clock again.
ALTER TABLE carts ADD COLUMN abandoned_at timestamptz;
CREATE INDEX carts_idle ON carts (updated_at) WHERE abandoned_at IS NULL AND lines <> '[]'::jsonb;

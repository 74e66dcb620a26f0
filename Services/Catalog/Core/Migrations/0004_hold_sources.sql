-- What each hold is for (an order, a cart held in store from the app, a quote, an
-- associate holding for a customer), shown apart in the stock view.
ALTER TABLE reservations ADD COLUMN IF NOT EXISTS source_kind text NOT NULL DEFAULT 'order',
    ADD COLUMN IF NOT EXISTS source_id text;
UPDATE reservations SET source_id = order_id WHERE source_id IS NULL;

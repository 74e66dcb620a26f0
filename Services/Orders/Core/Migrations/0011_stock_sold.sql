-- A till sale's goods are sold by catalog as it reserves them (ReserveStock.sell): the
-- order remembers it, so completing it asks for no CommitReservation.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS stock_sold boolean NOT NULL DEFAULT false;

-- What asked for the hold (the ReserveStock command) and its journey: a hold that runs out
-- is released by a timer, whose `ReservationReleased` names them as its causation and
-- correlation ids.
ALTER TABLE reservations ADD COLUMN IF NOT EXISTS cause_id text, ADD COLUMN IF NOT EXISTS correlation_id text;

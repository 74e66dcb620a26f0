-- The ApplyPromotions command that held the uses, and its journey: a hold nobody commits
-- is released by a timer, whose `RedemptionsReleased` names them as its causation and
-- correlation ids.
ALTER TABLE applications ADD COLUMN IF NOT EXISTS cause_id text, ADD COLUMN IF NOT EXISTS correlation_id text;

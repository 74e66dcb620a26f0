-- The message that last gave the lead to its assignee (SubmitLead, ReassignLead), and its
-- journey: a lead re-routed by the timer names them as its causation and correlation ids.
ALTER TABLE leads ADD COLUMN IF NOT EXISTS cause_id text, ADD COLUMN IF NOT EXISTS correlation_id text;

-- The CreateQuote command that issued the quote, and its journey: a quote that runs out
-- expires by a timer, whose `QuoteExpired` names them as its causation and correlation ids.
ALTER TABLE quotes ADD COLUMN IF NOT EXISTS cause_id text, ADD COLUMN IF NOT EXISTS correlation_id text;

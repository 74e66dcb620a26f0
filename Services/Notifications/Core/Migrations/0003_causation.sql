-- The id of the event that queued the message (an order confirmed, a lead routed...):
-- `NotificationSent` names it as its `ce_causationid`, so a journey followed by causation
-- reaches the customer's inbox.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS causation_id text;

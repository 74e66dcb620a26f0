-- Messages to staff about a person (a lead's alert to its assignee): sent to the staff's
-- address, yet they name the prospect. Erasing the person blanks them too.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS about_customer_id text;
CREATE INDEX IF NOT EXISTS messages_about_customer ON messages (about_customer_id) WHERE about_customer_id IS NOT NULL;

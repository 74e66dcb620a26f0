-- The people behind leads, from customers' `LeadRouted`: a quote made for a lead is the
-- lead's customer's, so its order converts the lead and lands on their history.
CREATE TABLE IF NOT EXISTS lead_customers (
    lead_id     text PRIMARY KEY,
    customer_id text NOT NULL
);
CREATE INDEX IF NOT EXISTS lead_customers_customer ON lead_customers (customer_id);

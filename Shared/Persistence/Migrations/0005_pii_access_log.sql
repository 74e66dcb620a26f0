-- Every read of a customer's personal data over HTTP (profile, lookup, timeline,
-- consents, journey, export, messages, contact, orders): who, when, which customer, what.
-- The DPO reads it at GET /pii-access. It holds ids only, never the data read nor the
-- identifier a lookup searched by, so it survives the customer's erasure: it is the
-- record of who saw the data, which the controller must be able to show (GDPR art. 5(2)).
CREATE TABLE pii_access_log (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    subject       text NOT NULL,          -- staff:<name> or client:<name>
    role          text NOT NULL,
    credential_id text NOT NULL,          -- the jti, to match a revocation
    customer_id   text NOT NULL,
    action        text NOT NULL,          -- view, lookup, timeline, consents, journey, export, ...
    route         text NOT NULL           -- the route pattern, without query values
);
CREATE INDEX pii_access_log_customer ON pii_access_log (customer_id, at DESC);
CREATE INDEX pii_access_log_subject ON pii_access_log (subject, at DESC);
CREATE INDEX pii_access_log_at ON pii_access_log (at);

-- Leads, and the scoring/routing rule table that decides where they go.

CREATE TABLE lead_rules (
    version    int PRIMARY KEY,
    rules      jsonb NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE leads (
    lead_id        text PRIMARY KEY,
    customer_id    uuid NOT NULL REFERENCES customers,
    submitted      jsonb NOT NULL,
    score          int NOT NULL,
    assignee_kind  text NOT NULL,
    assignee_id    text NOT NULL,
    rule_id        text,
    rules_version  int,
    explanation    jsonb NOT NULL,
    source_channel text NOT NULL,
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'converted')),
    converted_order text,
    submitted_at   timestamptz NOT NULL DEFAULT now(),
    converted_at   timestamptz
);
CREATE INDEX leads_assignee ON leads (assignee_kind, assignee_id, submitted_at DESC);
CREATE INDEX leads_customer ON leads (customer_id) WHERE status = 'open';

CREATE TABLE lead_visits (
    visit_id    bigserial PRIMARY KEY,
    lead_id     text NOT NULL REFERENCES leads,
    visited_by  text NOT NULL,
    notes       text NOT NULL,
    visited_at  timestamptz NOT NULL
);

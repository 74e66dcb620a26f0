-- Leads get a lifecycle (new → contacted → qualified / disqualified → converted) and a
-- time to act: `due_at` is when the assignee must have acted on a `new` lead before the
-- timer gives it to `escalate_kind`/`escalate_id`.
ALTER TABLE leads DROP CONSTRAINT IF EXISTS leads_status_check;
UPDATE leads SET status = 'new' WHERE status = 'open';
ALTER TABLE leads ALTER COLUMN status SET DEFAULT 'new';
ALTER TABLE leads ADD CONSTRAINT leads_status_check CHECK (status IN ('new', 'contacted', 'qualified', 'disqualified', 'converted'));
ALTER TABLE leads
    ADD COLUMN IF NOT EXISTS status_reason text,
    ADD COLUMN IF NOT EXISTS status_changed_at timestamptz,
    ADD COLUMN IF NOT EXISTS assigned_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN IF NOT EXISTS sla_seconds int,
    ADD COLUMN IF NOT EXISTS due_at timestamptz,
    ADD COLUMN IF NOT EXISTS escalate_kind text,
    ADD COLUMN IF NOT EXISTS escalate_id text,
    ADD COLUMN IF NOT EXISTS reassignments int NOT NULL DEFAULT 0;
UPDATE leads SET assigned_at = submitted_at;
DROP INDEX IF EXISTS leads_customer;
CREATE INDEX IF NOT EXISTS leads_customer_open ON leads (customer_id) WHERE status IN ('new', 'contacted', 'qualified');
-- The timer's work: untouched leads past their time, oldest first.
CREATE INDEX IF NOT EXISTS leads_due ON leads (due_at) WHERE status = 'new' AND due_at IS NOT NULL;

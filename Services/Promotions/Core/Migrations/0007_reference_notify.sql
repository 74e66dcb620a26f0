-- The active promotions are cached in memory between changes (every basket is priced
-- against all of them): a change says so (reference_notify(), delivery plumbing 0007).
CREATE TRIGGER promotions_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON promotions
    FOR EACH STATEMENT EXECUTE FUNCTION reference_notify();

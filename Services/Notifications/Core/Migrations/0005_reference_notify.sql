-- Stores (names, addresses, hours for templates) are cached in memory between changes:
-- a change says so (reference_notify(), delivery plumbing 0007).
CREATE TRIGGER stores_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stores
    FOR EACH STATEMENT EXECUTE FUNCTION reference_notify();

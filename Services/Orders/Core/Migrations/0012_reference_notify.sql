-- The read model's locations are cached in orders' memory between changes (placing an
-- order checks its store): a change says so (reference_notify(), delivery plumbing 0007).
CREATE TRIGGER locations_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON locations
    FOR EACH STATEMENT EXECUTE FUNCTION reference_notify();

-- Locations are cached in catalog's memory between changes (a reservation reads them all):
-- a change says so on `catalog_reference` (reference_notify(), delivery plumbing 0007).
CREATE TRIGGER locations_reference AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON locations
    FOR EACH STATEMENT EXECUTE FUNCTION reference_notify();

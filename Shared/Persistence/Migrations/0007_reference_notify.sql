-- Reference tables (locations, active promotions, stores) are cached in the services'
-- memory between changes (#39: a statement or two less per order). A statement-level
-- trigger calling this says when one changed, on `<schema>_reference`; `ReferenceChanges`
-- listens and drops the copies. Each service adds the trigger to its own tables.
CREATE OR REPLACE FUNCTION reference_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_reference', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

-- Omni: one Postgres database, one schema and one login role per service.
--
-- Each service connects as its own role, owns exactly one schema (and migrates it at
-- start), and has no rights on any other schema. See DESIGN.md, "Shape".
--
-- Run by:
--   * the postgres container on first start (mounted into /docker-entrypoint-initdb.d/),
--     as the superuser, connected to database `omni`;
--   * the project's dev scripts, against a fresh or an existing cluster:
--       psql -v ON_ERROR_STOP=1 -d omni -f compose/postgres/init/01-omni-schemas.sql
--
-- Idempotent: running it again changes nothing, and it brings an older cluster back to
-- this state (role login and password, schema owner, search_path, grants).
--
-- The passwords equal the role names: this is a development stack only. Real
-- deployments create their roles with their own secrets.

\set ON_ERROR_STOP on

-- Nobody gets anything by default: not the public schema, not this database.
REVOKE ALL ON SCHEMA public FROM PUBLIC;

DO $$
BEGIN
    -- current_database() is `omni` in the compose stack; dev scripts may use another name.
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
END
$$;

-- ---------------------------------------------------------------------------------
-- customers
-- ---------------------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'customers') THEN
        CREATE ROLE customers LOGIN PASSWORD 'customers';
    ELSE
        ALTER ROLE customers LOGIN PASSWORD 'customers';
    END IF;
END
$$;
CREATE SCHEMA IF NOT EXISTS customers AUTHORIZATION customers;
ALTER SCHEMA customers OWNER TO customers;
ALTER ROLE customers SET search_path = customers;

-- ---------------------------------------------------------------------------------
-- catalog
-- ---------------------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'catalog') THEN
        CREATE ROLE catalog LOGIN PASSWORD 'catalog';
    ELSE
        ALTER ROLE catalog LOGIN PASSWORD 'catalog';
    END IF;
END
$$;
CREATE SCHEMA IF NOT EXISTS catalog AUTHORIZATION catalog;
ALTER SCHEMA catalog OWNER TO catalog;
ALTER ROLE catalog SET search_path = catalog;

-- ---------------------------------------------------------------------------------
-- orders
-- ---------------------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'orders') THEN
        CREATE ROLE orders LOGIN PASSWORD 'orders';
    ELSE
        ALTER ROLE orders LOGIN PASSWORD 'orders';
    END IF;
END
$$;
CREATE SCHEMA IF NOT EXISTS orders AUTHORIZATION orders;
ALTER SCHEMA orders OWNER TO orders;
ALTER ROLE orders SET search_path = orders;

-- ---------------------------------------------------------------------------------
-- promotions
-- ---------------------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'promotions') THEN
        CREATE ROLE promotions LOGIN PASSWORD 'promotions';
    ELSE
        ALTER ROLE promotions LOGIN PASSWORD 'promotions';
    END IF;
END
$$;
CREATE SCHEMA IF NOT EXISTS promotions AUTHORIZATION promotions;
ALTER SCHEMA promotions OWNER TO promotions;
ALTER ROLE promotions SET search_path = promotions;

-- ---------------------------------------------------------------------------------
-- notifications
-- ---------------------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'notifications') THEN
        CREATE ROLE notifications LOGIN PASSWORD 'notifications';
    ELSE
        ALTER ROLE notifications LOGIN PASSWORD 'notifications';
    END IF;
END
$$;
CREATE SCHEMA IF NOT EXISTS notifications AUTHORIZATION notifications;
ALTER SCHEMA notifications OWNER TO notifications;
ALTER ROLE notifications SET search_path = notifications;

-- ---------------------------------------------------------------------------------
-- edge (the public door: commands channels sent and their outcomes)
-- ---------------------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'edge') THEN
        CREATE ROLE edge LOGIN PASSWORD 'edge';
    ELSE
        ALTER ROLE edge LOGIN PASSWORD 'edge';
    END IF;
END
$$;
CREATE SCHEMA IF NOT EXISTS edge AUTHORIZATION edge;
ALTER SCHEMA edge OWNER TO edge;
ALTER ROLE edge SET search_path = edge;

-- ---------------------------------------------------------------------------------
-- Each service may connect to this database, and that is all it is granted here:
-- everything else it needs it has as the owner of its own schema.
-- ---------------------------------------------------------------------------------
DO $$
BEGIN
    EXECUTE format(
        'GRANT CONNECT ON DATABASE %I TO customers, catalog, orders, promotions, notifications, edge',
        current_database());
END
$$;

-- The reviewer role is read-only by construction on a real server: besides SELECT on the review
-- views (002), PostgreSQL grants every role a few rights through PUBLIC that let it write:
-- temporary tables and functions (TEMPORARY on the database) and large objects (lo_create and
-- friends). Those are taken from PUBLIC and given back to the role that runs the migrations
-- (matdisc's own user), so only the reviewer loses them. The role also starts every session
-- read-only and with a statement timeout.
--
-- A server where matdisc's user is neither the database owner nor a superuser cannot change these
-- grants: the migration then warns and carries on (the reviewer still cannot write any table).

ALTER ROLE matdisc_reviewer SET default_transaction_read_only = on;
ALTER ROLE matdisc_reviewer SET statement_timeout = '60s';
ALTER ROLE matdisc_reviewer SET search_path = public;

DO $$
BEGIN
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO %I', current_database(), current_user);
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'matdisc_reviewer may still create temporary tables: %', SQLERRM;
END
$$;

DO $$
DECLARE
  fn text;
BEGIN
  FOREACH fn IN ARRAY ARRAY[
    'lo_create(oid)', 'lo_creat(integer)', 'lo_from_bytea(oid, bytea)', 'lo_put(oid, bigint, bytea)',
    'lowrite(integer, bytea)', 'lo_open(oid, integer)', 'lo_unlink(oid)', 'lo_truncate(integer, integer)',
    'lo_truncate64(integer, bigint)'
  ] LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION pg_catalog.%s TO %I', fn, current_user);
    EXECUTE format('REVOKE EXECUTE ON FUNCTION pg_catalog.%s FROM PUBLIC', fn);
  END LOOP;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'matdisc_reviewer may still create large objects: %', SQLERRM;
END
$$;

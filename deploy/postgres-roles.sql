-- Tuijin's PostgreSQL roles and database (PostgreSQL >= 15). Run once, as the postgres superuser:
--   sudo -u postgres psql -v ON_ERROR_STOP=1 -v owner_password="'…'" -v app_password="'…'" \
--        -f /opt/tuijin/deploy/postgres-roles.sql
-- (the passwords quoted once more for psql; or leave them out and set them with \password).
-- Optional: -v owner=… -v app=… -v dbname=… (defaults tuijin_owner, tuijin_app, tuijin).
--
-- tuijin_owner owns the database, the schema and every table: only `manage.py migrate` connects as
--   it (DATABASE_OWNER_URL), and afterwards grants the app role its rights (pg_grant_app_role).
-- tuijin_app is what the web app, the workers and the scheduler connect as (DATABASE_URL): it owns
--   nothing and may only read and write rows (SELECT, INSERT, UPDATE, DELETE); on the audit log only
--   SELECT and INSERT. It cannot create, alter or drop anything.

\if :{?owner}
\else
  \set owner tuijin_owner
\endif
\if :{?app}
\else
  \set app tuijin_app
\endif
\if :{?dbname}
\else
  \set dbname tuijin
\endif

CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
\if :{?owner_password}
  ALTER ROLE :"owner" PASSWORD :owner_password;
\endif
\if :{?app_password}
  ALTER ROLE :"app" PASSWORD :app_password;
\endif

CREATE DATABASE :"dbname" OWNER :"owner" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"dbname" TO :"app";

\connect :"dbname"
-- The schema belongs to the owner; nobody else may create in it (PostgreSQL 15's default, made explicit).
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
-- Tables and sequences the owner creates later (migrations) are readable and writable by the app;
-- pg_grant_app_role (run by migrate) then takes UPDATE and DELETE on the audit log away again.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app";
-- Web requests: a runaway query is cut (STATEMENT_TIMEOUT in the env file does the same per connection).
ALTER ROLE :"app" IN DATABASE :"dbname" SET idle_in_transaction_session_timeout = '5min';

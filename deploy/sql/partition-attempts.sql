-- Herald: webhook_attempts as a table range-partitioned by month on attempted_at
-- (docs/RETENTION.md, "A partitioned attempts table").
--
-- Run it once, in a maintenance window, with every Herald instance stopped, as the database
-- user Herald connects as (the new table and its partitions are that user's):
--
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f deploy/sql/partition-attempts.sql
--
-- What it does, in one transaction (nothing changes if any step fails):
--   1. checks: webhook_attempts exists, is not partitioned yet, and Herald's migration
--      Retention1763800000070 has run (start this Herald version once before);
--   2. renames the table (and its indexes) to webhook_attempts_unpartitioned;
--   3. creates webhook_attempts again with the same columns, defaults, identity and checks,
--      PARTITION BY RANGE (attempted_at), with one partition per month (UTC) from the month of
--      the oldest attempt to two months ahead (webhook_attempts_p2026_03: [2026-03-01, 2026-04-01)),
--      and a default partition (webhook_attempts_default) for anything outside them;
--   4. copies every row (ids kept; the identity goes on after the highest id);
--   5. primary key (id, attempted_at) (a partitioned table's keys include its partition key),
--      then every other index and trigger of the old table, as they were defined (the
--      append-only guard included), and its grants;
--   6. drops the old table; ANALYZE after the commit.
-- The copy holds an exclusive lock on webhook_attempts all along: deliveries would wait
-- behind it, hence the maintenance window. It takes about as long as the table's size to
-- read and write twice (measured on a 2-core machine: 1,000,000 attempts in about 8 s).
--
-- Afterwards Herald (every instance, one at a time) creates the next months' partitions
-- itself, and retention (HERALD_RETENTION_DAYS) drops whole partitions older than the
-- retention instead of deleting their rows. PostgreSQL 15 or later.

BEGIN;
SET LOCAL timezone = 'UTC';
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = 0;

DO $partition$
DECLARE
  t regclass := to_regclass('webhook_attempts');
  s name;
  owner name;
  index_ddl text[];
  trigger_ddl text[];
  ddl text;
  first_month timestamptz;
  last_month timestamptz;
  m timestamptz;
  r record;
  seq text;
BEGIN
  IF t IS NULL THEN
    RAISE EXCEPTION 'no table webhook_attempts here: connect to Herald''s database (its migrations create the table)';
  END IF;
  IF (SELECT relkind FROM pg_class WHERE oid = t) = 'p' THEN
    RAISE EXCEPTION 'webhook_attempts is already partitioned: nothing to do';
  END IF;
  IF to_regclass('migrations') IS NULL OR NOT EXISTS (SELECT 1 FROM migrations WHERE name = 'Retention1763800000070') THEN
    RAISE EXCEPTION 'Herald''s migration Retention1763800000070 has not run here: start this Herald version once, then run this script';
  END IF;
  IF current_setting('server_version_num')::int < 150000 THEN
    RAISE EXCEPTION 'PostgreSQL 15 or later is needed (this is %)', current_setting('server_version');
  END IF;
  SELECT n.nspname, pg_get_userbyid(c.relowner) INTO s, owner
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = t;
  EXECUTE format('LOCK TABLE %I.webhook_attempts IN ACCESS EXCLUSIVE MODE', s);

  -- 2. What the new table gets again, captured while the old one still has the name (so the
  --    definitions name webhook_attempts): its indexes but the primary key, and its triggers.
  SELECT coalesce(array_agg(pg_get_indexdef(x.indexrelid) ORDER BY x.indexrelid), '{}') INTO index_ddl
    FROM pg_index x WHERE x.indrelid = t AND NOT x.indisprimary;
  SELECT coalesce(array_agg(pg_get_triggerdef(g.oid) ORDER BY g.tgname), '{}') INTO trigger_ddl
    FROM pg_trigger g WHERE g.tgrelid = t AND NOT g.tgisinternal;
  FOR r IN SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = t LOOP
    EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', s, r.relname, left(r.relname, 49) || '_unpartitioned');
  END LOOP;
  EXECUTE format('ALTER TABLE %I.webhook_attempts RENAME TO webhook_attempts_unpartitioned', s);

  -- 3. The partitioned table and its partitions.
  EXECUTE format('CREATE TABLE %I.webhook_attempts (LIKE %I.webhook_attempts_unpartitioned INCLUDING DEFAULTS INCLUDING IDENTITY'
                 ' INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (attempted_at)', s, s);
  EXECUTE format('ALTER TABLE %I.webhook_attempts OWNER TO %I', s, owner);
  EXECUTE format('COMMENT ON TABLE %I.webhook_attempts IS %L', s,
                 'One row per webhook attempt, append-only; partitioned by month on attempted_at (deploy/sql/partition-attempts.sql, docs/RETENTION.md)');
  EXECUTE format('SELECT date_trunc(''month'', min(attempted_at)), date_trunc(''month'', max(attempted_at)) FROM %I.webhook_attempts_unpartitioned', s)
    INTO first_month, last_month;
  first_month := least(coalesce(first_month, date_trunc('month', now())), date_trunc('month', now()));
  -- Two months ahead, as Herald keeps them (src/maintenance/retention.service.ts, PARTITIONS_AHEAD).
  last_month := greatest(coalesce(last_month, date_trunc('month', now())), date_trunc('month', now()) + interval '2 months');
  m := first_month;
  WHILE m <= last_month LOOP
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.webhook_attempts FOR VALUES FROM (%L) TO (%L)',
                   s, 'webhook_attempts_p' || to_char(m, 'YYYY_MM'), s, m, m + interval '1 month');
    EXECUTE format('ALTER TABLE %I.%I OWNER TO %I', s, 'webhook_attempts_p' || to_char(m, 'YYYY_MM'), owner);
    m := m + interval '1 month';
  END LOOP;
  EXECUTE format('CREATE TABLE %I.webhook_attempts_default PARTITION OF %I.webhook_attempts DEFAULT', s, s);
  EXECUTE format('ALTER TABLE %I.webhook_attempts_default OWNER TO %I', s, owner);

  -- 4. The rows, ids kept; the identity goes on after the highest one.
  EXECUTE format('INSERT INTO %I.webhook_attempts OVERRIDING SYSTEM VALUE SELECT * FROM %I.webhook_attempts_unpartitioned', s, s);
  seq := pg_get_serial_sequence(format('%I.webhook_attempts', s), 'id');
  EXECUTE format('SELECT setval(%L, coalesce(max(id), 0) + 1, false) FROM %I.webhook_attempts_unpartitioned', seq, s);

  -- 5. Keys, indexes, triggers (built once the rows are in: faster than row by row), grants.
  EXECUTE format('ALTER TABLE %I.webhook_attempts ADD CONSTRAINT webhook_attempts_pkey PRIMARY KEY (id, attempted_at)', s);
  FOREACH ddl IN ARRAY index_ddl LOOP
    EXECUTE ddl;
  END LOOP;
  FOREACH ddl IN ARRAY trigger_ddl LOOP
    EXECUTE ddl;
  END LOOP;
  FOR r IN SELECT g.grantee, g.privilege_type FROM information_schema.role_table_grants g
            WHERE g.table_schema = s AND g.table_name = 'webhook_attempts_unpartitioned' AND g.grantee <> owner LOOP
    EXECUTE format('GRANT %s ON %I.webhook_attempts TO %s', r.privilege_type, s,
                   CASE WHEN r.grantee = 'PUBLIC' THEN 'PUBLIC' ELSE quote_ident(r.grantee) END);
  END LOOP;

  -- 6. The old table goes (a DROP, which its append-only triggers do not refuse).
  EXECUTE format('DROP TABLE %I.webhook_attempts_unpartitioned', s);
  EXECUTE format('ALTER SEQUENCE %s RENAME TO webhook_attempts_id_seq', seq);
  RAISE NOTICE 'webhook_attempts is partitioned by month: % partitions from % to %, and a default one',
    (SELECT count(*) FROM pg_inherits WHERE inhparent = to_regclass(format('%I.webhook_attempts', s))) - 1,
    to_char(first_month, 'YYYY-MM'), to_char(last_month, 'YYYY-MM');
END
$partition$;

COMMIT;

ANALYZE webhook_attempts;

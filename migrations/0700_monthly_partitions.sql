-- Monthly range partitions for the two tables that grow without bound: messages (by created_at) and
-- audit_log (by occurred_at). PG15 subset (also runs on PGlite). Old months can then be detached and
-- archived or dropped instead of deleted row by row, and hot queries touch only recent partitions.
--
-- What changes and why it stays safe:
-- * A partitioned table's unique constraints must include the partition key, so the primary keys become
--   (tenant_id, id, created_at) and (tenant_id, seq, occurred_at). For messages nothing relied on id alone
--   (random uuids; no foreign key points at messages). For audit_log, (tenant_id, seq) uniqueness is what
--   keeps a chain from forking: appends already serialise on a per-tenant advisory lock (modules/audit), and
--   the trigger audit_log_seq_unique re-checks it under that same lock, so a duplicate seq is still refused
--   by the database, whatever path inserts it.
-- * RLS (FORCE, tenant_isolation) is on the partitioned parents, which is where every query goes. Partitions
--   get the same policies and, further, atrium_app has no privilege on them at all: reading a partition by
--   name is refused (privileges on a partition are not checked when it is reached through its parent).
-- * The append-only trigger is on the parent, so PostgreSQL clones it onto every partition, present and future.
--   atrium_purge_audit, DSAR erasure and retention address the parents and are unchanged.
-- * Rows go to a DEFAULT partition when their month has no partition yet. atrium_ensure_partitions (run at
--   worker start and daily by governance.partitions.maintain) creates the current month and the next ones
--   ahead of time, so the default partition normally stays empty. It never creates a month whose rows already
--   sit in the default partition (that would fail); it reports it instead, and those rows stay where they are,
--   fully queryable.
-- * Existing rows are copied into the new tables inside this migration's transaction (each month present gets
--   its partition). On a large installation, run it in a maintenance window: it rewrites both tables.

-- Name of the partition of `parent` holding `month` (the first day of a UTC month).
CREATE OR REPLACE FUNCTION atrium_month_partition_name(parent text, month date) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT parent || '_y' || to_char(month, 'YYYY') || 'm' || to_char(month, 'MM') $$;

-- Creates the partition of `parent` (partitioned by a timestamptz range) for the UTC month starting `month`,
-- unless it exists. Returns 'created', 'exists', or 'blocked' when the default partition already holds rows
-- of that month.
CREATE OR REPLACE FUNCTION atrium_create_month_partition(parent text, key_column text, month date) RETURNS text
  LANGUAGE plpgsql VOLATILE SET search_path = public AS $$
DECLARE
  part text := atrium_month_partition_name(parent, month);
  lo timestamptz := (month::timestamp AT TIME ZONE 'UTC');
  hi timestamptz := ((month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
  blocked boolean;
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN 'exists';
  END IF;
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= $1 AND %I < $2)', parent || '_default', key_column, key_column)
    INTO blocked USING lo, hi;
  IF blocked THEN
    RETURN 'blocked';
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, parent, lo, hi);
  EXECUTE format('REVOKE ALL ON %I FROM atrium_app', part);
  CALL atrium_tenant_table(part::regclass);
  RETURN 'created';
END $$;

-- The maintenance entry point: the current UTC month and `months_ahead` more, for both tables. Runs as the
-- schema owner (it creates tables); callable by the app role, whose scheduled job invokes it.
CREATE OR REPLACE FUNCTION atrium_ensure_partitions(months_ahead integer DEFAULT 3)
  RETURNS TABLE (parent text, partition_name text, outcome text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public
  -- Creating a partition locks its parent exclusively, and one call touches both parents: waiting on a lock
  -- could close a cycle with a request transaction (which holds one table and waits on the other, or on the
  -- tenant audit lock). Giving up after 100 ms, well below deadlock_timeout, makes the maintainer the one that
  -- yields (lock_not_available; its job retries later), never a customer's transaction.
  SET lock_timeout = '100ms' AS $$
DECLARE
  first_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  i integer;
  t record;
BEGIN
  IF months_ahead < 0 OR months_ahead > 24 THEN
    RAISE EXCEPTION 'atrium_ensure_partitions: months_ahead must be between 0 and 24' USING ERRCODE = 'check_violation';
  END IF;
  -- one maintainer at a time (two workers starting together would race on CREATE TABLE); the other has nothing to do
  IF NOT pg_try_advisory_xact_lock(hashtextextended('atrium_partitions', 0)) THEN
    RETURN;
  END IF;
  FOR t IN SELECT * FROM (VALUES ('messages', 'created_at'), ('audit_log', 'occurred_at')) AS v (tbl, col) LOOP
    FOR i IN 0..months_ahead LOOP
      parent := t.tbl;
      partition_name := atrium_month_partition_name(t.tbl, (first_month + make_interval(months => i))::date);
      outcome := atrium_create_month_partition(t.tbl, t.col, (first_month + make_interval(months => i))::date);
      RETURN NEXT;
    END LOOP;
  END LOOP;
END $$;
REVOKE ALL ON FUNCTION atrium_ensure_partitions(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atrium_ensure_partitions(integer) TO atrium_app;
REVOKE ALL ON FUNCTION atrium_create_month_partition(text, text, date) FROM PUBLIC;

-- ---------------------------------------------------------------- messages
ALTER TABLE messages RENAME TO messages_unpartitioned;
ALTER INDEX messages_pkey RENAME TO messages_unpartitioned_pkey;
ALTER INDEX messages_by_conversation RENAME TO messages_unpartitioned_by_conversation;

-- same columns, defaults and checks as before (LIKE), in the same order, so rows copy over with SELECT *
CREATE TABLE messages (LIKE messages_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (created_at);
ALTER TABLE messages ADD PRIMARY KEY (tenant_id, id, created_at);
ALTER TABLE messages ADD FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE;
CREATE INDEX messages_by_conversation ON messages (tenant_id, conversation_id, created_at);
CALL atrium_tenant_table('messages');
CREATE TABLE messages_default PARTITION OF messages DEFAULT;
REVOKE ALL ON messages_default FROM atrium_app;
CALL atrium_tenant_table('messages_default');

-- ---------------------------------------------------------------- audit_log
ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
ALTER INDEX audit_log_pkey RENAME TO audit_log_unpartitioned_pkey;
ALTER INDEX audit_log_action RENAME TO audit_log_unpartitioned_action;
ALTER INDEX audit_log_actor RENAME TO audit_log_unpartitioned_actor;

CREATE TABLE audit_log (LIKE audit_log_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (occurred_at);
ALTER TABLE audit_log ADD PRIMARY KEY (tenant_id, seq, occurred_at);
ALTER TABLE audit_log ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id);
CREATE INDEX audit_log_action ON audit_log (tenant_id, action, occurred_at);
CREATE INDEX audit_log_actor ON audit_log (tenant_id, actor_ref, occurred_at);
CALL atrium_tenant_table('audit_log');
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM atrium_app;
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;
REVOKE ALL ON audit_log_default FROM atrium_app;
CALL atrium_tenant_table('audit_log_default');

-- ---------------------------------------------------------------- existing rows
-- every month that has rows gets its partition before the copy, so nothing lands in the defaults
DO $$
DECLARE
  m date;
BEGIN
  FOR m IN SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::date FROM messages_unpartitioned LOOP
    PERFORM atrium_create_month_partition('messages', 'created_at', m);
  END LOOP;
  FOR m IN SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date FROM audit_log_unpartitioned LOOP
    PERFORM atrium_create_month_partition('audit_log', 'occurred_at', m);
  END LOOP;
END $$;
-- this month and the next only: each partition costs ~30 ms on PGlite, where a fresh folder migrates during
-- start-up; the maintenance job (at worker start, then daily) extends this to three months ahead
SELECT count(*) FROM atrium_ensure_partitions(1);

INSERT INTO messages SELECT * FROM messages_unpartitioned;
INSERT INTO audit_log SELECT * FROM audit_log_unpartitioned;
DROP TABLE messages_unpartitioned;
DROP TABLE audit_log_unpartitioned;

-- ---------------------------------------------------------------- audit guarantees on the new parent
CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION atrium_audit_immutable();

-- (tenant_id, seq) can no longer be a unique index (it lacks the partition key): enforce it here, under the
-- same per-tenant advisory lock recordAudit takes (re-entrant within a session), so the check cannot race.
CREATE OR REPLACE FUNCTION atrium_audit_seq_unique() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('atrium_audit:' || NEW.tenant_id::text, 0));
  IF EXISTS (SELECT 1 FROM audit_log a WHERE a.tenant_id = NEW.tenant_id AND a.seq = NEW.seq) THEN
    RAISE EXCEPTION 'duplicate audit sequence % for tenant %', NEW.seq, NEW.tenant_id USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_seq_unique BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION atrium_audit_seq_unique();

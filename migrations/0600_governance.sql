-- Governance: data-subject requests, erased subjects (audit pseudonymisation) and the audit purge path.
-- PG15 subset (also runs on PGlite).

-- One row per data-subject request. The export archive is kept only until expires_at (retention purges it),
-- so a DSAR export does not become a second, forgotten copy of the person's data.
CREATE TABLE dsar_requests (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  type text NOT NULL CHECK (type IN ('export', 'delete')),
  subject_digest text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  requested_by text NOT NULL,
  summary jsonb NOT NULL DEFAULT '{}',
  archive jsonb,
  error text,
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX dsar_requests_recent ON dsar_requests (tenant_id, created_at DESC);
CALL atrium_tenant_table('dsar_requests');

-- Subjects whose link to a person was erased. The audit chain keeps the original (pseudonymous) actor_ref
-- so hashes still verify; presenters show `pseudonym` instead of any ref whose digest is listed here.
CREATE TABLE erased_subjects (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  subject_digest text NOT NULL,
  pseudonym text NOT NULL,
  dsar_id uuid,
  erased_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, subject_digest)
);
CALL atrium_tenant_table('erased_subjects');

-- Purges the prefix of the current tenant's audit chain older than `cutoff` and anchors the chain at the last
-- purged row, so verification continues from there. Runs as the schema owner (the immutability trigger only
-- lets a non-app role with atrium.audit_purge = on delete); callable by the app role for its own tenant only.
CREATE OR REPLACE FUNCTION atrium_purge_audit(target uuid, cutoff timestamptz)
  RETURNS TABLE (purged bigint, anchor_seq bigint, anchor_hash text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  last_seq bigint;
  last_hash text;
  n bigint;
BEGIN
  IF target IS DISTINCT FROM atrium_current_tenant() THEN
    RAISE EXCEPTION 'atrium_purge_audit: tenant scope mismatch' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF cutoff > now() - interval '30 days' THEN
    RAISE EXCEPTION 'atrium_purge_audit: audit rows younger than 30 days are never purged' USING ERRCODE = 'check_violation';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('atrium_audit:' || target::text, 0));
  -- A contiguous prefix only: stop before the first row that is not yet due, whatever comes after it.
  SELECT a.seq, a.hash INTO last_seq, last_hash FROM audit_log a
   WHERE a.tenant_id = target
     AND a.seq < coalesce((SELECT min(b.seq) FROM audit_log b WHERE b.tenant_id = target AND b.occurred_at >= cutoff), 9223372036854775807)
   ORDER BY a.seq DESC LIMIT 1;
  IF last_seq IS NULL THEN
    RETURN QUERY SELECT 0::bigint, NULL::bigint, NULL::text;
    RETURN;
  END IF;
  PERFORM set_config('atrium.audit_purge', 'on', true);
  DELETE FROM audit_log WHERE tenant_id = target AND seq <= last_seq;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('atrium.audit_purge', 'off', true);
  UPDATE tenants SET settings = jsonb_set(settings, '{auditAnchor}', jsonb_build_object('seq', last_seq, 'hash', last_hash)), updated_at = now()
   WHERE id = target;
  RETURN QUERY SELECT n, last_seq, last_hash;
END $$;

REVOKE ALL ON FUNCTION atrium_purge_audit(uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atrium_purge_audit(uuid, timestamptz) TO atrium_app;

-- Forgets a person's identifying fields on the platform-wide users row once no tenant holds a membership
-- for them any more (the app role cannot see other tenants' memberships, so the check runs as the owner).
CREATE OR REPLACE FUNCTION atrium_forget_user(person_subject text)
  RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.subject = person_subject) THEN
    RETURN false;
  END IF;
  UPDATE users SET email = NULL, name = NULL, updated_at = now() WHERE subject = person_subject;
  RETURN true;
END $$;

REVOKE ALL ON FUNCTION atrium_forget_user(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atrium_forget_user(text) TO atrium_app;

-- Identity: the Keycloak directory mirror (tenants, users, memberships) and revocation of access that
-- tokens still claim. PG15 subset (runs on PostgreSQL 15 and PGlite/PG 18).

-- The Keycloak group /tenants/<slug> a tenant mirrors (null for tenants created in Atrium only).
ALTER TABLE tenants ADD COLUMN idp_group_id text UNIQUE;

ALTER TABLE users ADD COLUMN username text;
-- Set when the account is disabled or deleted in the identity provider: tokens issued before are refused.
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
ALTER TABLE users ADD COLUMN synced_at timestamptz;

-- A revoked membership is kept (not deleted) so tokens issued before the revocation, which still claim the
-- tenant until they expire, can be refused; a later re-grant clears it.
ALTER TABLE memberships ADD COLUMN revoked_at timestamptz;

-- Where each directory sync left off (platform table: one row per identity source).
CREATE TABLE identity_sync_state (
  source text PRIMARY KEY,
  event_cursor bigint,
  last_full_sync_at timestamptz,
  last_incremental_sync_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Runs before the tenant is known (authentication), so it crosses tenants: returns only what access control needs,
-- i.e. whether the account is disabled and which tenant slugs were revoked after the token was issued.
CREATE OR REPLACE FUNCTION atrium_identity_revocations(user_subject text, issued_at timestamptz)
  RETURNS TABLE (disabled boolean, revoked_tenants text[])
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT
    coalesce((SELECT u.disabled_at IS NOT NULL AND u.disabled_at >= issued_at FROM users u WHERE u.subject = user_subject), false),
    coalesce((SELECT array_agg(t.slug) FROM memberships m JOIN users u ON u.id = m.user_id JOIN tenants t ON t.id = m.tenant_id
              WHERE u.subject = user_subject AND m.revoked_at IS NOT NULL AND m.revoked_at >= issued_at), '{}')
$$;
REVOKE ALL ON FUNCTION atrium_identity_revocations(text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atrium_identity_revocations(text, timestamptz) TO atrium_app;

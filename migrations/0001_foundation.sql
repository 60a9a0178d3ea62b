-- Foundation schema v1. Runs on PostgreSQL 15 + pgvector 0.8 and on PGlite (PG 18): PG15 subset only.
-- Conventions: every tenant table has tenant_id uuid as the leading column of its keys and indexes
-- (ready for distribution by tenant), FORCE ROW LEVEL SECURITY, and a policy on atrium_current_tenant().

CREATE EXTENSION IF NOT EXISTS vector;

-- The application role. Row-level security applies to it; it never owns tables.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atrium_app') THEN
    CREATE ROLE atrium_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- created concurrently by another database's migration
END $$;

GRANT USAGE ON SCHEMA public TO atrium_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO atrium_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO atrium_app;

CREATE OR REPLACE FUNCTION atrium_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

-- Turns a table into a tenant table: RLS forced even for the owner; the app role sees only the current
-- tenant's rows; the schema owner (migrations, SECURITY DEFINER look-ups, maintenance) sees all.
CREATE OR REPLACE PROCEDURE atrium_tenant_table(tbl regclass)
  LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s TO atrium_app USING (tenant_id = atrium_current_tenant()) WITH CHECK (tenant_id = atrium_current_tenant())', tbl);
  EXECUTE format('CREATE POLICY owner_maintenance ON %s TO %I USING (true) WITH CHECK (true)', tbl, current_user);
END $$;

-- Platform registry of tenants (not tenant-owned data; readable by the app role, written by platform admins).
CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- People, keyed by their identity-provider subject; tenant membership is separate.
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subject text NOT NULL UNIQUE,
  email text,
  name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenant_config_versions (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  version integer NOT NULL CHECK (version > 0),
  config jsonb NOT NULL,
  active boolean NOT NULL DEFAULT false,
  comment text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, version)
);
CREATE UNIQUE INDEX tenant_config_one_active ON tenant_config_versions (tenant_id) WHERE active;
CALL atrium_tenant_table('tenant_config_versions');

CREATE TABLE memberships (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  user_id uuid NOT NULL REFERENCES users(id),
  roles text[] NOT NULL DEFAULT '{}',
  groups text[] NOT NULL DEFAULT '{}',
  source text NOT NULL DEFAULT 'keycloak' CHECK (source IN ('keycloak', 'oidc', 'local')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user ON memberships (tenant_id, user_id);
CALL atrium_tenant_table('memberships');

CREATE TABLE api_keys (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  prefix text NOT NULL UNIQUE,
  key_hash text NOT NULL,
  scopes text[] NOT NULL,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CALL atrium_tenant_table('api_keys');

CREATE TABLE conversations (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  channel text NOT NULL DEFAULT 'api',
  external_id text,
  user_subject text,
  title text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'escalated', 'resolved', 'closed')),
  owner text NOT NULL DEFAULT 'bot' CHECK (owner IN ('bot', 'human')),
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_message_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX conversations_external ON conversations (tenant_id, channel, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX conversations_recent ON conversations (tenant_id, updated_at DESC);
CALL atrium_tenant_table('conversations');

CREATE TABLE messages (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  conversation_id uuid NOT NULL,
  role text NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool', 'agent')),
  content text NOT NULL DEFAULT '',
  citations jsonb NOT NULL DEFAULT '[]',
  tool_calls jsonb NOT NULL DEFAULT '[]',
  model text,
  prompt_tokens integer NOT NULL DEFAULT 0,
  completion_tokens integer NOT NULL DEFAULT 0,
  cost_usd numeric(12, 6) NOT NULL DEFAULT 0,
  latency_ms integer,
  safety_flags jsonb NOT NULL DEFAULT '[]',
  external_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX messages_by_conversation ON messages (tenant_id, conversation_id, created_at);
CALL atrium_tenant_table('messages');

CREATE TABLE integrations (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind ~ '^[a-z0-9_]+$'),
  name text NOT NULL DEFAULT '',
  external_ids jsonb NOT NULL DEFAULT '{}',
  config jsonb NOT NULL DEFAULT '{}',
  secrets_sealed text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'error')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX integrations_id ON integrations (id);
CALL atrium_tenant_table('integrations');

CREATE TABLE webhook_deliveries (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  source text NOT NULL,
  delivery_id text NOT NULL,
  integration_id uuid,
  event text,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processing', 'processed', 'ignored', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, source, delivery_id)
);
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (tenant_id, received_at DESC);
CALL atrium_tenant_table('webhook_deliveries');

CREATE TABLE activity (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  type text NOT NULL,
  actor text,
  resource_type text,
  resource_id text,
  summary text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX activity_recent ON activity (tenant_id, created_at DESC);
CALL atrium_tenant_table('activity');

-- Append-only, hash-chained per tenant. hash = sha256(prev_hash || canonical row), computed by the app
-- (modules/audit); verify recomputes the chain and reports the first broken link.
CREATE TABLE audit_log (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  seq bigint NOT NULL CHECK (seq > 0),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  occurred_at timestamptz NOT NULL,
  actor_type text NOT NULL,
  actor_ref text NOT NULL,
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text,
  data jsonb NOT NULL DEFAULT '{}',
  request_id text,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_action ON audit_log (tenant_id, action, occurred_at);
CREATE INDEX audit_log_actor ON audit_log (tenant_id, actor_ref, occurred_at);
CALL atrium_tenant_table('audit_log');
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM atrium_app;

-- The database itself refuses to rewrite history. Retention (governance) purges a chain prefix only
-- through an owner-run maintenance path that sets atrium.audit_purge; the app role can never do so.
CREATE OR REPLACE FUNCTION atrium_audit_immutable() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('atrium.audit_purge', true) = 'on' AND current_user <> 'atrium_app' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION atrium_audit_immutable();

-- Look-ups that must happen before a tenant is known. SECURITY DEFINER runs them as the schema owner
-- (which RLS lets through) and they return only what authentication/routing needs.
CREATE OR REPLACE FUNCTION atrium_find_api_key(key_prefix text)
  RETURNS TABLE (tenant_id uuid, id uuid, key_hash text, scopes text[], expires_at timestamptz, revoked_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT k.tenant_id, k.id, k.key_hash, k.scopes, k.expires_at, k.revoked_at FROM api_keys k WHERE k.prefix = key_prefix
$$;

CREATE OR REPLACE FUNCTION atrium_integration_tenant(integration uuid, integration_kind text)
  RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT i.tenant_id FROM integrations i WHERE i.id = integration AND i.kind = integration_kind
$$;

REVOKE ALL ON FUNCTION atrium_find_api_key(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION atrium_integration_tenant(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atrium_find_api_key(text) TO atrium_app;
GRANT EXECUTE ON FUNCTION atrium_integration_tenant(uuid, text) TO atrium_app;

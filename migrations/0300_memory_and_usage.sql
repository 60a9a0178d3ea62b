-- Chat memory (with consent) and model usage accounting. PostgreSQL 15 subset (runs on PGlite too).

-- What a user agreed to: memories are stored and recalled only while `granted` is true.
-- `owner_ref` is the IdP subject of a user, or `key:<id>#<end user>` for an API-key integration.
CREATE TABLE memory_consents (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  owner_ref text NOT NULL CHECK (length(owner_ref) BETWEEN 1 AND 400),
  granted boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, owner_ref)
);
CALL atrium_tenant_table('memory_consents');

CREATE TABLE memories (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  owner_ref text NOT NULL CHECK (length(owner_ref) BETWEEN 1 AND 400),
  content text NOT NULL CHECK (length(content) BETWEEN 1 AND 1000),
  source text NOT NULL CHECK (source IN ('explicit', 'proposed', 'api')),
  conversation_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX memories_by_owner ON memories (tenant_id, owner_ref, created_at DESC);
CREATE INDEX memories_expiry ON memories (tenant_id, expires_at);
CALL atrium_tenant_table('memories');

-- Per-tenant, per-day, per-model totals for cost reporting. Message rows carry the per-message figures
-- but are purged by retention; these rollups hold no content and outlive them.
CREATE TABLE model_usage_daily (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  day date NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  requests integer NOT NULL DEFAULT 0,
  input_tokens bigint NOT NULL DEFAULT 0,
  output_tokens bigint NOT NULL DEFAULT 0,
  cost_usd numeric(14, 6) NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, day, provider, model)
);
CALL atrium_tenant_table('model_usage_daily');

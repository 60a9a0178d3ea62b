-- Tools (n8n / HTTP bindings), their executions, approvals and outbound webhooks.
-- PostgreSQL 15 subset (runs unchanged on PG15 + pgvector 0.8 and on PGlite).

CREATE TABLE tools (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- the name the model calls; OpenAI and Anthropic both accept ^[a-zA-Z0-9_-]{1,64}$
  name text NOT NULL CHECK (name ~ '^[a-zA-Z][a-zA-Z0-9_-]{0,63}$'),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  input_schema jsonb NOT NULL,
  risk text NOT NULL CHECK (risk IN ('read', 'low', 'high', 'critical')),
  needs_approval boolean NOT NULL,
  rate_limit_per_minute integer CHECK (rate_limit_per_minute IS NULL OR rate_limit_per_minute > 0),
  allowed_roles text[] NOT NULL DEFAULT '{}',
  allowed_groups text[] NOT NULL DEFAULT '{}',
  -- {kind:'n8n', path, timeout_ms} | {kind:'http', url, method, timeout_ms}
  binding jsonb NOT NULL,
  -- HMAC secret of an HTTP binding (AES-GCM sealed); n8n bindings use the platform's N8N_WEBHOOK_SECRET
  signing_secret_sealed text,
  enabled boolean NOT NULL DEFAULT true,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX tools_name ON tools (tenant_id, lower(name));
CALL atrium_tenant_table('tools');

-- No foreign key to tools: the history outlives a deleted tool (tool_name keeps it readable).
CREATE TABLE tool_executions (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  tool_id uuid,
  tool_name text NOT NULL,
  source text NOT NULL CHECK (source IN ('chat', 'test', 'approval', 'api')),
  conversation_id uuid,
  approval_id uuid,
  call_id text,
  input jsonb NOT NULL DEFAULT '{}',
  output jsonb,
  status text NOT NULL CHECK (status IN ('succeeded', 'failed', 'timeout', 'invalid_input', 'denied', 'rate_limited', 'pending_approval')),
  error_code text,
  error_message text,
  latency_ms integer,
  actor_type text NOT NULL,
  actor_ref text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX tool_executions_by_tool ON tool_executions (tenant_id, tool_id, created_at DESC);
CREATE INDEX tool_executions_recent ON tool_executions (tenant_id, created_at DESC);
CALL atrium_tenant_table('tool_executions');

CREATE TABLE approvals (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  type text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_.-]{0,63}$'),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  details text,
  status text NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'expired', 'cancelled', 'executed', 'failed')),
  risk text CHECK (risk IN ('read', 'low', 'high', 'critical')),
  conversation_id uuid,
  tool_id uuid,
  tool_name text,
  tool_input jsonb,
  call_id text,
  requested_by_type text NOT NULL,
  requested_by text NOT NULL,
  decided_by text,
  decision_reason text,
  decided_at timestamptz,
  expires_at timestamptz NOT NULL,
  execution_id uuid,
  result jsonb,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX approvals_list ON approvals (tenant_id, created_at DESC, id);
CREATE INDEX approvals_by_status ON approvals (tenant_id, status, created_at DESC);
CREATE INDEX approvals_due ON approvals (tenant_id, expires_at) WHERE status = 'submitted';
CALL atrium_tenant_table('approvals');

CREATE TABLE webhook_endpoints (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  url text NOT NULL,
  description text,
  events text[] NOT NULL,
  secret_sealed text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CALL atrium_tenant_table('webhook_endpoints');

-- The outbox: written in the same transaction as the change that caused the event, delivered by jobs.
CREATE TABLE outbound_webhook_deliveries (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  endpoint_id uuid NOT NULL,
  -- Standard Webhooks `webhook-id`: the same for every retry, so receivers can deduplicate
  message_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX outbound_webhook_deliveries_due ON outbound_webhook_deliveries (tenant_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbound_webhook_deliveries_log ON outbound_webhook_deliveries (tenant_id, endpoint_id, created_at DESC);
CALL atrium_tenant_table('outbound_webhook_deliveries');

-- Background sweeps start without a tenant: these SECURITY DEFINER look-ups say which tenants have work due,
-- and nothing else; the work itself then runs inside each tenant's scope.
CREATE OR REPLACE FUNCTION atrium_tenants_with_due_webhooks() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT d.tenant_id FROM outbound_webhook_deliveries d WHERE d.status = 'pending' AND d.next_attempt_at <= now()
$$;
CREATE OR REPLACE FUNCTION atrium_tenants_with_expired_approvals() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT a.tenant_id FROM approvals a WHERE a.status = 'submitted' AND a.expires_at <= now()
$$;
REVOKE ALL ON FUNCTION atrium_tenants_with_due_webhooks() FROM PUBLIC;
REVOKE ALL ON FUNCTION atrium_tenants_with_expired_approvals() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atrium_tenants_with_due_webhooks() TO atrium_app;
GRANT EXECUTE ON FUNCTION atrium_tenants_with_expired_approvals() TO atrium_app;

-- Evals and red-team runs. A run records the tenant config version it ran against, so runs of one suite are
-- comparable across configuration changes. PG15 subset (also runs on PGlite).

-- kind 'golden': cases are { input, expected_facts?, expected_citations? }; kind 'redteam': tenant-specific attacks
-- in the same format as the built-in attack-set files, run together with them.
CREATE TABLE eval_suites (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL DEFAULT 'golden' CHECK (kind IN ('golden', 'redteam')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  cases jsonb NOT NULL,
  probe jsonb NOT NULL DEFAULT '{}',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX eval_suites_name ON eval_suites (tenant_id, kind, name);
CALL atrium_tenant_table('eval_suites');

CREATE TABLE eval_runs (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('eval', 'redteam')),
  suite_id uuid,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  config_version integer NOT NULL,
  total integer NOT NULL DEFAULT 0,
  done integer NOT NULL DEFAULT 0,
  passed integer NOT NULL DEFAULT 0,
  score double precision,
  summary jsonb NOT NULL DEFAULT '{}',
  error text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX eval_runs_by_suite ON eval_runs (tenant_id, suite_id, created_at DESC);
CALL atrium_tenant_table('eval_runs');

CREATE TABLE eval_results (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  run_id uuid NOT NULL,
  idx integer NOT NULL,
  case_id text NOT NULL,
  category text,
  input text NOT NULL,
  passed boolean NOT NULL,
  score double precision NOT NULL,
  answer text NOT NULL DEFAULT '',
  details jsonb NOT NULL DEFAULT '{}',
  latency_ms integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, run_id, idx),
  FOREIGN KEY (tenant_id, run_id) REFERENCES eval_runs (tenant_id, id) ON DELETE CASCADE
);
CALL atrium_tenant_table('eval_results');

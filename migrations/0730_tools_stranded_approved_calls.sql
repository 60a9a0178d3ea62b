-- The tenants the approved-call recovery sweep (tools.recover-approved, every 15 s) has work in: it opens a tenant
-- transaction only for those, as the expiry and webhook sweeps do (0500), instead of one per active tenant. The
-- predicate is the sweep's own (recover-approved-calls.job.ts). PG15 subset.
CREATE OR REPLACE FUNCTION atrium_tenants_with_stranded_approved_calls(older_than_seconds double precision) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT a.tenant_id FROM approvals a JOIN tenants t ON t.id = a.tenant_id AND t.status = 'active'
   WHERE a.status = 'approved' AND a.type = 'tool_call' AND a.updated_at < now() - make_interval(secs => older_than_seconds)
     AND (a.execution_id IS NULL OR EXISTS (SELECT 1 FROM tool_executions e WHERE e.tenant_id = a.tenant_id AND e.id = a.execution_id))
$$;
REVOKE ALL ON FUNCTION atrium_tenants_with_stranded_approved_calls(double precision) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atrium_tenants_with_stranded_approved_calls(double precision) TO atrium_app;

-- The head of a tenant's audit chain, taken under the tenant's append lock, in one round trip instead of two
-- (lock, then read). Every audited write pays this, a chat turn or a Chatwoot bot turn more than once.
-- VOLATILE plpgsql on purpose: in READ COMMITTED each statement inside it takes a fresh snapshot, so the read
-- below starts after the lock is held and sees every append committed before it, exactly like the two
-- statements it replaces. SECURITY INVOKER: row-level security applies as in the caller's tenant transaction.
CREATE OR REPLACE FUNCTION atrium_audit_chain_head(p_tenant uuid) RETURNS TABLE (seq bigint, hash text)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('atrium_audit:' || p_tenant::text, 0));
  RETURN QUERY SELECT a.seq, a.hash FROM audit_log a WHERE a.tenant_id = p_tenant ORDER BY a.seq DESC LIMIT 1;
END
$$;
REVOKE ALL ON FUNCTION atrium_audit_chain_head(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION atrium_audit_chain_head(uuid) TO atrium_app;
